using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tessera.ServiceDefaults.Security;
using Tessera.Testing;
using Xunit.Abstractions;

namespace Tessera.System.Tests.Security;

[CollectionDefinition(Name)]
public sealed class SecurityCollection : ICollectionFixture<SecurityFixture>
{
    public const string Name = "security matrix";
}

/// <summary>
/// One running ERP for the security matrix: tenant A ("demo") with a user per role and a workload of every kind,
/// tenant B with its own administrator, and the operations of every service's OpenAPI document.
/// </summary>
public sealed class SecurityFixture : IAsyncLifetime
{
    public const string TenantB = "matrixb";
    public const string UserPassword = "matrix-password-1";

    public RunningSystem System { get; private set; } = null!;
    public HttpClient AdminA { get; private set; } = null!;
    public HttpClient AdminB { get; private set; } = null!;

    /// <summary>A user of tenant B holding every tenant role, so that tenant B can try every operation a tenant may call.</summary>
    public HttpClient EveryRoleB { get; private set; } = null!;
    public HttpClient Anonymous { get; private set; } = null!;

    /// <summary>A client of tenant A per tenant role, each holding that role only ("admin" without the operator role).</summary>
    public IReadOnlyDictionary<string, HttpClient> ByRole { get; private set; } = null!;

    public RouteCatalog Catalog { get; private set; } = null!;
    public Workload Workload { get; private set; } = null!;
    public RecordingHandler Recorder { get; } = new();
    public TenantResources ResourcesA { get; private set; } = null!;

    /// <summary>How often each service had been restarted when the matrix began; a crash shows as one more.</summary>
    public IReadOnlyDictionary<string, int> RestartsAtStart { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        File.Delete(Path.Combine(AppContext.BaseDirectory, "route-matrix.txt"));
        System = await RunningSystem.StartAsync(new Dictionary<string, string>
        {
            ["Tessera__RateLimit__SignInPerMinute"] = "1000",
            // An order with the "economy" level that nobody dispatches raises a fulfilment alert within seconds.
            ["Tessera__Orders__Fulfilment__DispatchWithin__economy"] = "00:00:01",
            ["Tessera__Orders__Fulfilment__CheckInterval"] = "00:00:01",
        });
        AdminA = await AccessTokenHandler.SignInAsync(System.PublicUrl, "demo", "admin", RunningSystem.AdminPassword, Recorder);
        Anonymous = new HttpClient { BaseAddress = System.PublicUrl, Timeout = TimeSpan.FromSeconds(30) };

        (await AdminA.PostAsJsonAsync("/api/tenants", new { id = TenantB, name = "Matrix B Ltd", admin = new { username = "boss", password = UserPassword } }))
            .StatusCode.ShouldBe(HttpStatusCode.Created);
        AdminB = await System.SignInAsync(TenantB, "boss", UserPassword);
        using (var browserB = Browser())
        {
            (await browserB.SignInAsync(TenantB, "boss", UserPassword)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
            await browserB.CreateUserAsync("matrix-every-role", UserPassword, [.. Roles.TenantRoles]);
        }
        EveryRoleB = await System.SignInAsync(TenantB, "matrix-every-role", UserPassword);

        using var browser = Browser();
        (await browser.SignInAsync("demo", "admin", RunningSystem.AdminPassword)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var byRole = new Dictionary<string, HttpClient>();
        foreach (var role in Roles.TenantRoles)
        {
            await browser.CreateUserAsync("matrix-" + role, UserPassword, role);
            byRole[role] = await System.SignInAsync("demo", "matrix-" + role, UserPassword);
        }
        ByRole = byRole;

        Catalog = await RouteCatalog.LoadAsync(System);
        Workload = new Workload(AdminA, System.PublicUrl);
        await Workload.RunAsync();
        ResourcesA = await TenantResources.HarvestAsync(Catalog, AdminA, Recorder.Calls);
        RestartsAtStart = (await System.StatusAsync())!.Services.ToDictionary(s => s.Name, s => s.Restarts);
    }

    /// <summary>A new access token, for requests written on a socket.</summary>
    public async Task<string> FreshTokenAsync(string tenant = "demo", string username = "admin", string password = RunningSystem.AdminPassword)
    {
        var response = await Anonymous.PostAsJsonAsync("/api/auth/token", new { tenant, username, password });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!;
    }

    /// <summary>A browser of the public port: cookies kept, redirects not followed.</summary>
    public HttpClient Browser(CookieContainer? cookies = null) =>
        new(new HttpClientHandler { UseCookies = true, CookieContainer = cookies ?? new CookieContainer(), AllowAutoRedirect = false })
        {
            BaseAddress = System.PublicUrl,
        };

    /// <summary>
    /// Sends a request made afresh for each attempt, waiting out 429s: the matrix sends thousands of requests from a
    /// handful of users, and the per-client rate limit is not what it is testing.
    /// </summary>
    public static async Task<HttpResponseMessage> SendAsync(HttpClient client, Func<HttpRequestMessage> create)
    {
        for (var attempt = 1; ; attempt++)
        {
            var response = await client.SendAsync(create());
            if (response.StatusCode != HttpStatusCode.TooManyRequests || attempt == 20)
                return response;
            await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
            response.Dispose();
        }
    }

    /// <summary>Every service still runs the process it ran when the matrix began: no request made one crash.</summary>
    public async Task ShouldNotHaveRestartedAsync(ITestOutputHelper output)
    {
        var now = (await System.StatusAsync())!.Services;
        foreach (var service in now)
            output.WriteLine($"{service.Name}: {service.State}, restarts {service.Restarts}");
        now.Where(s => s.Restarts != RestartsAtStart.GetValueOrDefault(s.Name) || s.State != "ready").Select(s => s.Name)
            .ShouldBeEmpty("a service crashed or is not ready");
    }

    public async Task DisposeAsync()
    {
        foreach (var client in ByRole?.Values ?? [])
            client.Dispose();
        AdminA?.Dispose();
        AdminB?.Dispose();
        Anonymous?.Dispose();
        if (System is not null)
            await System.DisposeAsync();
    }
}
