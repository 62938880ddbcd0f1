using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tessera.ServiceDefaults.Security;
using Tessera.Testing;
using Tessera.Web.Data;
using Tessera.Web.Identity;
using Tessera.Web.Operations;

namespace Tessera.Web.Tests;

/// <summary>
/// The front-end with an alert webhook on loopback and its console's schedule off, so that tests run the console's steps
/// themselves, many at once, as several instances on one database would.
/// </summary>
public sealed class ConcurrencyFactory : ServiceFactory<Program, WebDbContext>, IAsyncLifetime
{
    public const string AdminPassword = "demo-password-123";

    public WebhookReceiver Webhook { get; private set; } = null!;

    // Tenants are created without books here.
    protected override IReadOnlyList<string> AbsentServices => ["finance"];

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Tessera:Bootstrap:AdminPassword"] = AdminPassword,
        ["Tessera:RateLimit:SignInPerMinute"] = "100000",
        ["Tessera:Alerts:WebhookUrl"] = Webhook.Url.ToString(),
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        // Password hashing is what a sign-in spends its time on; made cheap here, the writes of many sign-ins meet in the
        // database at the same moment, which is what these tests are about.
        builder.ConfigureServices(services => services.Configure<PasswordHasherOptions>(o => o.IterationCount = 1000));
    }

    public async Task InitializeAsync()
    {
        Webhook = await WebhookReceiver.StartAsync();
        _ = Services;
    }

    async Task IAsyncLifetime.DisposeAsync() => await Webhook.DisposeAsync();

    /// <summary>Runs <paramref name="action"/> <paramref name="count"/> times at once, each in a scope (and a database connection) of its own.</summary>
    public Task<T[]> AtOnceAsync<T>(int count, Func<IServiceProvider, int, Task<T>> action) =>
        Task.WhenAll(Enumerable.Range(0, count).Select(i => Task.Run(async () =>
        {
            await using var scope = Services.CreateAsyncScope();
            return await action(scope.ServiceProvider, i);
        })));
}

/// <summary>
/// What the single SQLite writer kept right in the front-end stays right with many writers at once, which is how
/// PostgreSQL runs them (docs/adr/0024): failed sign-ins are each counted, a refresh token is honoured once, a tenant and
/// a username are created once, a tenant keeps an administrator, settings saved at once are saved once, and the
/// console raises and sends an alert once and stores a service's snapshot once, from however many instances.
/// </summary>
public sealed class ConcurrencyTests(ConcurrencyFactory factory) : IClassFixture<ConcurrencyFactory>
{
    private const string Tenant = "demo";

    private static string NewName(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    private Task<HttpResponseMessage> GrantAsync(string username, string password) =>
        factory.CreateClient().PostAsJsonAsync("/api/auth/token", new { tenant = Tenant, username, password });

    private async Task<string> UserAsync(string password, string tenant = Tenant, params string[] roles)
    {
        var username = NewName("user");
        await using var scope = factory.Services.CreateAsyncScope();
        var created = await scope.ServiceProvider.GetRequiredService<Accounts>()
            .CreateUserAsync(tenant, username, null, password, roles.Length == 0 ? ["sales"] : roles, CancellationToken.None);
        created.Succeeded.ShouldBeTrue();
        return username;
    }

    private Task<SignInFailureRecord?> FailuresAsync(string username) =>
        factory.QueryAsync(null, db => db.SignInFailures.AsNoTracking().FirstOrDefaultAsync(f => f.TenantId == Tenant && f.Username == username));

    [Fact]
    public async Task Failed_sign_ins_at_once_are_each_counted_and_lock_the_account_at_exactly_the_configured_count()
    {
        const string password = "right-password-1";
        var below = await UserAsync(password);
        var at = await UserAsync(password);
        var many = await UserAsync(password);

        var fewer = await Task.WhenAll(Enumerable.Range(0, Accounts.FailuresBeforeLock - 1).Select(i => GrantAsync(below, "wrong-guess-" + i)));
        var enough = await Task.WhenAll(Enumerable.Range(0, Accounts.FailuresBeforeLock).Select(i => GrantAsync(at, "wrong-guess-" + i)));
        var twenty = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => GrantAsync(many, "wrong-guess-" + i)));

        fewer.ShouldAllBe(r => r.StatusCode == HttpStatusCode.Unauthorized);
        (await FailuresAsync(below))!.Failures.ShouldBe(Accounts.FailuresBeforeLock - 1);
        (await GrantAsync(below, password)).StatusCode.ShouldBe(HttpStatusCode.OK);
        enough.ShouldAllBe(r => r.StatusCode == HttpStatusCode.Unauthorized);
        (await FailuresAsync(at))!.Failures.ShouldBe(Accounts.FailuresBeforeLock);
        (await GrantAsync(at, password)).StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        // Those that came after the lock are refused unchecked and not counted; every one checked is.
        twenty.ShouldAllBe(r => r.StatusCode == HttpStatusCode.Unauthorized || r.StatusCode == HttpStatusCode.TooManyRequests);
        var counted = await FailuresAsync(many);
        counted!.Failures.ShouldBe(twenty.Count(r => r.StatusCode == HttpStatusCode.Unauthorized));
        counted.LockedUntil.ShouldNotBeNull();
        (await GrantAsync(many, password)).StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
    }

    [Fact]
    public async Task A_refresh_token_presented_many_times_at_once_is_honoured_once_and_then_ends_the_session()
    {
        const string password = "right-password-2";
        var user = await UserAsync(password);
        var grant = JsonDocument.Parse(await (await GrantAsync(user, password)).Content.ReadAsStringAsync()).RootElement;

        var refreshes = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => factory.CreateClient()
            .PostAsJsonAsync("/api/auth/refresh", new Dictionary<string, string> { ["refresh_token"] = grant.GetProperty("refresh_token").GetString()! })));

        refreshes.Count(r => r.StatusCode == HttpStatusCode.OK).ShouldBe(1);
        refreshes.Count(r => r.StatusCode == HttpStatusCode.Unauthorized).ShouldBe(9);
        // The token was presented again after it was replaced: the session ends, the refreshed tokens with it.
        var next = JsonDocument.Parse(await refreshes.Single(r => r.StatusCode == HttpStatusCode.OK).Content.ReadAsStringAsync()).RootElement;
        (await factory.CreateClient().PostAsJsonAsync("/api/auth/refresh", new Dictionary<string, string> { ["refresh_token"] = next.GetProperty("refresh_token").GetString()! }))
            .StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_tenant_created_many_times_at_once_is_created_once()
    {
        var login = JsonDocument.Parse(await (await GrantAsync("admin", ConcurrencyFactory.AdminPassword)).Content.ReadAsStringAsync()).RootElement;
        var ids = Enumerable.Range(0, 5).Select(_ => "t-" + Guid.NewGuid().ToString("N")[..10]).ToList();

        // Five new tenants, each asked for eight times at once.
        var created = await Task.WhenAll(Enumerable.Range(0, 40).Select(async i =>
        {
            var client = factory.CreateClient();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", login.GetProperty("access_token").GetString());
            var id = ids[i % ids.Count];
            return (Id: id, Response: await client.PostAsJsonAsync("/api/tenants", new { id, name = "Tenant " + i, admin = new { username = "owner" + i, password = "owner-password-1" } }));
        }));

        foreach (var id in ids)
        {
            var answers = created.Where(c => c.Id == id).Select(c => c.Response).ToList();
            answers.Count(r => r.StatusCode == HttpStatusCode.Created).ShouldBe(1);
            answers.Count(r => r.StatusCode == HttpStatusCode.Conflict).ShouldBe(7);
            var winner = (await answers.Single(r => r.StatusCode == HttpStatusCode.Created).ReadAsync<TenantCreated>()).AdminUsername;
            (await factory.QueryAsync(null, db => db.Users.Where(u => u.TenantId == id).Select(u => u.Username).ToListAsync())).ShouldBe([winner]);
        }
    }

    [Fact]
    public async Task A_username_created_many_times_at_once_is_created_once()
    {
        var admin = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        (await admin.SignInAsync(Tenant, "admin", ConcurrencyFactory.AdminPassword)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var token = PageForms.Token(await admin.GetStringAsync("/admin/users"));
        var username = NewName("twin");

        var posted = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => admin.PostAsync("/admin/users", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Username"] = username, ["Password"] = "twin-password-" + i, ["SelectedRoles"] = "sales", ["__RequestVerificationToken"] = token,
        }))));
        var pages = await Task.WhenAll(posted.Select(r => r.Content.ReadAsStringAsync()));

        posted.ShouldAllBe(r => r.StatusCode == HttpStatusCode.OK);
        pages.Count(p => p.Contains($"User {username} was created.")).ShouldBe(1);
        pages.Count(p => p.Contains($"A user named &#x27;{username}&#x27; already exists.") || p.Contains($"A user named '{username}' already exists.")).ShouldBe(9);
    }

    [Fact]
    public async Task Administrators_disabling_each_other_at_once_leave_their_tenant_an_administrator()
    {
        // Each of ten tenants has two administrators, who disable each other at the same moment.
        var tenants = await factory.AtOnceAsync(10, async (services, i) =>
        {
            var tenant = "a-" + Guid.NewGuid().ToString("N")[..10];
            var accounts = services.GetRequiredService<Accounts>();
            (await accounts.CreateTenantAsync(new TenantRecord { Id = tenant, Name = tenant }, "first", "first-password-1", CancellationToken.None)).ShouldBeTrue();
            (await accounts.CreateUserAsync(tenant, "second", null, "second-password-1", [Roles.Admin], CancellationToken.None)).Succeeded.ShouldBeTrue();
            return tenant;
        });

        var outcomes = await factory.AtOnceAsync(20, (services, i) => services.GetRequiredService<Accounts>().UpdateUserAsync(
            tenants[i / 2], i % 2 == 0 ? "second" : "first", i % 2 == 0 ? "first" : "second", null, null, [Roles.Admin], disabled: true, null, CancellationToken.None));

        for (var t = 0; t < tenants.Length; t++)
        {
            outcomes.Skip(2 * t).Take(2).Count(o => o.Succeeded).ShouldBe(1);
            var tenant = tenants[t];
            (await factory.QueryAsync(null, db => db.Users.CountAsync(u => u.TenantId == tenant && !u.Disabled))).ShouldBe(1);
        }
    }

    [Fact]
    public async Task Instances_starting_together_create_their_first_tenant_and_administrator_once()
    {
        var tenant = "s-" + Guid.NewGuid().ToString("N")[..10];

        // What each instance does at start (DemoTenantBootstrap), by eight at once.
        await factory.AtOnceAsync(8, (services, _) => services.GetRequiredService<Accounts>()
            .EnsureAdministratorAsync(tenant, "Started together", "admin", "start-password-1", [Roles.Admin, Roles.Operator], CancellationToken.None));

        (await factory.QueryAsync(null, db => db.Tenants.CountAsync(t => t.Id == tenant))).ShouldBe(1);
        (await factory.QueryAsync(null, db => db.Users.CountAsync(u => u.TenantId == tenant))).ShouldBe(1);
    }

    [Fact]
    public async Task Settings_saved_at_once_from_the_same_version_are_saved_once_and_the_others_are_told()
    {
        var admin = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        (await admin.SignInAsync(Tenant, "admin", ConcurrencyFactory.AdminPassword)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var page = await admin.GetStringAsync("/settings");
        var version = long.Parse(HtmlForms.Hidden(page, "Version"), System.Globalization.CultureInfo.InvariantCulture);

        var saved = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => admin.PostAsync("/settings", new FormUrlEncodedContent(
            HtmlForms.Fields(page, "settings-form").With("Name", "Demo Retail Co. " + i)))));

        saved.ShouldAllBe(r => r.StatusCode == HttpStatusCode.Redirect || r.StatusCode == HttpStatusCode.OK);
        saved.Count(r => r.StatusCode == HttpStatusCode.Redirect).ShouldBe(1);
        foreach (var refused in saved.Where(r => r.StatusCode == HttpStatusCode.OK))
            (await refused.Content.ReadAsStringAsync()).ShouldContain("Someone else changed the settings meanwhile.");
        (await factory.QueryAsync(null, db => db.Tenants.SingleAsync(t => t.Id == Tenant))).Version.ShouldBe(version + 1);
    }

    [Fact]
    public async Task Instances_raising_the_same_alerts_at_once_raise_each_once()
    {
        var keys = Enumerable.Range(0, 3).Select(i => NewName("race:alert" + i)).ToList();
        var conditions = keys.Select(k => new AlertCondition(k, AlertKinds.Lag, k, "behind", null)).ToList();

        await factory.AtOnceAsync(8, async (services, _) =>
        {
            await services.GetRequiredService<AlertBook>().ApplyAsync(conditions, CancellationToken.None);
            return 0;
        });

        var raised = await factory.QueryAsync(null, db => db.Alerts.AsNoTracking().Where(a => keys.Contains(a.Key)).ToListAsync());
        raised.Select(a => a.Key).Order().ShouldBe(keys.Order());
        raised.ShouldAllBe(a => a.ClearedAt == null);
    }

    [Fact]
    public async Task An_alert_due_in_instances_at_once_is_sent_to_the_webhook_once_when_raised_and_once_when_cleared()
    {
        var key = NewName("race:webhook");
        var alert = await factory.QueryAsync(null, async db =>
        {
            var now = DateTimeOffset.UtcNow;
            var row = new AlertRecord { Key = key, Kind = AlertKinds.Parked, Subject = key, Detail = "parked", RaisedAt = now, NextAttemptAt = now };
            db.Alerts.Add(row);
            await db.SaveChangesAsync();
            return row;
        });

        await DeliverAtOnceAsync();
        var raisedCalls = factory.Webhook.For(AlertKinds.Parked, AlertWebhook.Raised).Count(c => c.GetProperty("id").GetInt64() == alert.Id);
        await factory.QueryAsync(null, db => db.Alerts.Where(a => a.Id == alert.Id)
            .ExecuteUpdateAsync(u => u.SetProperty(a => a.ClearedAt, DateTimeOffset.UtcNow).SetProperty(a => a.NextAttemptAt, DateTimeOffset.UtcNow)));
        await DeliverAtOnceAsync();

        raisedCalls.ShouldBe(1);
        factory.Webhook.For(AlertKinds.Parked, AlertWebhook.Cleared).Count(c => c.GetProperty("id").GetInt64() == alert.Id).ShouldBe(1);
        var sent = await factory.QueryAsync(null, db => db.Alerts.AsNoTracking().SingleAsync(a => a.Id == alert.Id));
        sent.RaiseSentAt.ShouldNotBeNull();
        sent.ClearSentAt.ShouldNotBeNull();
    }

    private Task DeliverAtOnceAsync() =>
        factory.AtOnceAsync(8, async (services, _) =>
        {
            await services.GetRequiredService<AlertWebhook>().DeliverDueAsync(CancellationToken.None);
            return 0;
        });

    [Fact]
    public async Task Instances_taking_the_console_s_lease_at_once_give_it_to_one_of_them()
    {
        // Ten instances, each under its own name, try for the lease at the same moment.
        var held = await factory.AtOnceAsync(10, (services, _) =>
            new ConsoleLease(services.GetRequiredService<WebDbContext>(), new ConsoleHolder(), TimeProvider.System).TryHoldAsync(TimeSpan.FromMinutes(1), CancellationToken.None));

        held.Count(h => h).ShouldBe(1);
    }

    [Fact]
    public async Task Snapshots_stored_by_instances_at_once_are_stored_once_per_service()
    {
        // Every service this installation has (it has no finance); none answers, which is a snapshot too.
        var services = Tessera.ServiceDefaults.Hosting.ServiceCatalog.Names.Except(["finance"]).ToList();

        var stored = await factory.AtOnceAsync(6, (provider, _) =>
            provider.GetRequiredService<ConsoleRound>().RefreshAsync(services, [Tenant], CancellationToken.None));

        stored.ShouldAllBe(s => s.Count == services.Count);
        (await factory.QueryAsync(null, db => db.ServiceSnapshots.Select(s => s.Service).ToListAsync())).Order().ShouldBe(services.Order());
    }
}
