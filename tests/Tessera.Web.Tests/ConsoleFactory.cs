extern alias inventory;

using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tessera.ServiceDefaults.Security;
using Tessera.Testing;
using Tessera.Web.Data;
using Tessera.Web.Operations;
using InventoryDb = inventory::Tessera.Inventory.Data.InventoryDbContext;
using InventoryProgram = inventory::Program;

namespace Tessera.Web.Tests;

/// <summary>
/// The real inventory service on a loopback port of its own, beside the front-end: the console asks it what it would
/// ask it in production. The catalog is a stub; the two share the internal token's key as an installation does.
/// </summary>
public sealed class ConsoleInventory : ServiceFactory<InventoryProgram, InventoryDb>
{
    private readonly string _tokenKey;

    public ConsoleInventory(int port, string tokenKey)
    {
        _tokenKey = tokenKey;
        UseKestrel(port);
    }

    public CatalogStub Catalog { get; } = new();

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Tessera:Services:catalog"] = "http://catalog.test",
        ["Tessera:Security:InternalTokenKeys"] = _tokenKey,
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddHttpClient<inventory::Tessera.Inventory.Features.CatalogLookup>()
            .ConfigurePrimaryHttpMessageHandler(() => Catalog.Handler));
    }

    /// <summary>A caller of the API with a token signed by the installation's key.</summary>
    public HttpClient Caller(string tenant, params string[] roles)
    {
        var codec = new SignedTokenCodec([Convert.FromBase64String(_tokenKey)], TimeProvider.System);
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer",
            codec.Issue("tester", tenant, roles, TokenAudiences.Internal, TimeSpan.FromMinutes(5)));
        return client;
    }

    public async Task ExecuteAsync(string sql, params object[] parameters) =>
        await QueryAsync(null, async db =>
        {
            await using var transaction = await db.BeginWriteAsync();
#pragma warning disable EF1002 // the tests' own statements, no input from outside
            await db.Database.ExecuteSqlRawAsync(sql, parameters);
#pragma warning restore EF1002
            await transaction.CommitAsync();
            return 0;
        });
}

/// <summary>What the alert webhook received, in order.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private WebhookReceiver(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    public ConcurrentQueue<JsonElement> Calls { get; } = new();

    /// <summary>How many calls to answer 500 before answering 200 (a webhook that is down for a while).</summary>
    public int FailFirst { get; set; }

    public static async Task<WebhookReceiver> StartAsync()
    {
        var port = Ports.Free();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var receiver = new WebhookReceiver(app, new Uri($"http://127.0.0.1:{port}/hooks/tessera"));
        var seen = 0;
        app.MapPost("/hooks/tessera", async (HttpContext context) =>
        {
            var body = await JsonDocument.ParseAsync(context.Request.Body);
            receiver.Calls.Enqueue(body.RootElement.Clone());
            return Interlocked.Increment(ref seen) <= receiver.FailFirst ? Results.StatusCode(500) : Results.Ok();
        });
        await app.StartAsync();
        return receiver;
    }

    public IReadOnlyList<JsonElement> For(string kind, string @event) =>
        Calls.Where(c => c.GetProperty("kind").GetString() == kind && c.GetProperty("event").GetString() == @event).ToList();

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

/// <summary>
/// The front-end with its operations console switched on and checking often, the real inventory behind it, every other
/// service down, and a webhook receiver on loopback for the alerts.
/// </summary>
public sealed class ConsoleFactory : ServiceFactory<Program, WebDbContext>, IAsyncLifetime
{
    public const string AdminPassword = "demo-password-123";
    private static readonly string TokenKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
    private readonly int _inventoryPort = Ports.Free();

    public ConsoleFactory() => Inventory = new ConsoleInventory(_inventoryPort, TokenKey);

    public ConsoleInventory Inventory { get; }
    public WebhookReceiver Webhook { get; private set; } = null!;

    protected override IDictionary<string, string?> Settings => ConsoleSettings;

    /// <summary>The settings of every instance of this front-end: the second one's too (<see cref="SecondInstance"/>).</summary>
    private Dictionary<string, string?> ConsoleSettings => new()
    {
        ["Tessera:Bootstrap:AdminPassword"] = AdminPassword,
        ["Tessera:RateLimit:SignInPerMinute"] = "1000",
        ["Tessera:Security:InternalTokenKeys"] = TokenKey,
        ["Tessera:Services:inventory"] = $"http://127.0.0.1:{_inventoryPort}",
        ["Tessera:Operations:Enabled"] = "true",
        ["Tessera:Operations:CheckInterval"] = "00:00:00.300",
        ["Tessera:Operations:InvariantInterval"] = "00:00:00.300",
        ["Tessera:Alerts:WebhookUrl"] = Webhook.Url.ToString(),
        ["Tessera:Alerts:RetryBaseDelay"] = "00:00:00.200",
    };

    public async Task InitializeAsync()
    {
        Webhook = await WebhookReceiver.StartAsync();
        Inventory.StartServer();
        _ = Services; // starts the front-end, and with it the console's checks
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await Inventory.DisposeAsync();
        await Webhook.DisposeAsync();
    }

    public Task<T> WebQueryAsync<T>(Func<WebDbContext, Task<T>> query) => QueryAsync(null, query);

    /// <summary>Another instance of the front-end on this one's database and data folder, its console on as well (dispose it).</summary>
    public Instance SecondInstance() => new(this);

    public sealed class Instance(ConsoleFactory first) : ServiceFactory<Program, WebDbContext>(first.DataDir)
    {
        protected override IDictionary<string, string?> Settings => first.ConsoleSettings;
    }

    /// <summary>Who holds the console's lease now.</summary>
    public Task<string?> LeaseHolderAsync() =>
        WebQueryAsync(db => db.Database.SqlQuery<string>($"SELECT holder AS \"Value\" FROM operations_leases WHERE name = {ConsoleLease.Name}").FirstOrDefaultAsync());

    /// <summary>The name this instance holds the console's lease under.</summary>
    public string Holder => Services.GetRequiredService<ConsoleHolder>().Name;
}
