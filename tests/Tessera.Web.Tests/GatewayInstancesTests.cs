using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tessera.Testing;
using Tessera.Web.Data;

namespace Tessera.Web.Tests;

/// <summary>
/// The web front-end in front of two instances of "orders" (Tessera:Services:orders lists both) and a "catalog" that
/// the tests move to another address while the gateway runs. Each instance answers with its own name and counts
/// what reached it; all are ready at /health/ready while they run.
/// </summary>
public sealed class GatewayInstancesFactory : ServiceFactory<Program, WebDbContext>, IAsyncLifetime
{
    public const string AdminPassword = "demo-password-123";

    public Instance OrdersA { get; } = new("orders-a");
    public Instance OrdersB { get; } = new("orders-b");
    public Instance CatalogOld { get; } = new("catalog-old");
    public Instance CatalogNew { get; } = new("catalog-new");

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Tessera:Bootstrap:AdminPassword"] = AdminPassword,
        ["Tessera:Services:orders"] = $"{OrdersA.Url}; {OrdersB.Url}",
        ["Tessera:Services:catalog"] = CatalogOld.Url,
        ["Tessera:Gateway:HealthCheckInterval"] = "00:00:00.500",
        ["Tessera:RateLimit:ApiBurst"] = "10000",
        ["Tessera:RateLimit:ApiPerSecond"] = "10000",
    };

    public async Task InitializeAsync()
    {
        foreach (var instance in new[] { OrdersA, OrdersB, CatalogOld, CatalogNew })
            await instance.StartAsync();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        foreach (var instance in new[] { OrdersA, OrdersB, CatalogOld, CatalogNew })
            await instance.DisposeAsync();
    }

    /// <summary>Changes a setting of the running front-end, as a reloaded configuration source would.</summary>
    public void Reconfigure(string key, string value)
    {
        var configuration = (IConfigurationRoot)Services.GetRequiredService<IConfiguration>();
        configuration[key] = value;
        configuration.Reload();
    }

    public async Task<HttpClient> SignedInClientAsync()
    {
        var client = CreateClient();
        var response = await client.PostAsJsonAsync("/api/auth/token", new { tenant = "demo", username = "admin", password = AdminPassword });
        var token = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("access_token").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public sealed class Instance(string name) : IAsyncDisposable
    {
        private readonly int _port = Ports.Free();
        private WebApplication? _app;
        private int _calls;

        public string Url => $"http://127.0.0.1:{_port}";

        /// <summary>How many API requests reached this instance (health probes not counted).</summary>
        public int Calls => Volatile.Read(ref _calls);

        public async Task StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls(Url);
            builder.Logging.ClearProviders();
            _app = builder.Build();
            _app.MapGet("/health/ready", () => Results.Ok());
            _app.Map("/api/{**path}", () =>
            {
                Interlocked.Increment(ref _calls);
                return Results.Text(name);
            });
            await _app.StartAsync();
        }

        public async Task StopAsync()
        {
            if (_app is not null)
                await _app.DisposeAsync();
            _app = null;
        }

        public ValueTask DisposeAsync() => new(StopAsync());
    }
}

/// <summary>A service may run as several instances: the gateway spreads requests over them, leaves out one that stops, and follows an address that changes.</summary>
public sealed class GatewayInstancesTests(GatewayInstancesFactory factory) : IClassFixture<GatewayInstancesFactory>
{
    [Fact]
    public async Task Two_instances_of_a_service_both_take_requests_and_one_that_stops_is_left_out()
    {
        var client = await factory.SignedInClientAsync();

        var answers = new List<string>();
        for (var i = 0; i < 40; i++)
            answers.Add(await (await client.GetAsync("/api/orders/orders")).Content.ReadAsStringAsync());

        answers.Count(a => a == "orders-a").ShouldBeGreaterThan(0);
        answers.Count(a => a == "orders-b").ShouldBeGreaterThan(0);
        answers.Count(a => a is "orders-a" or "orders-b").ShouldBe(40);

        await factory.OrdersB.StopAsync();
        // Until the health checks have seen it stop, a request sent to B is a 503 naming orders; after, B is left out.
        await Poll.UntilAsync(async () =>
        {
            for (var i = 0; i < 20; i++)
            {
                var response = await client.GetAsync("/api/orders/orders");
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
                    (await response.ProblemAsync()).GetProperty("title").GetString().ShouldBe("Orders is unavailable");
                    return false;
                }
            }
            return true;
        }, "the gateway to leave the stopped instance out");

        var before = factory.OrdersA.Calls;
        for (var i = 0; i < 40; i++)
        {
            var response = await client.GetAsync("/api/orders/orders");
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await response.Content.ReadAsStringAsync()).ShouldBe("orders-a");
        }
        factory.OrdersA.Calls.ShouldBe(before + 40);
    }

    [Fact]
    public async Task A_service_moved_to_another_address_is_reached_there_without_restarting_the_gateway()
    {
        var client = await factory.SignedInClientAsync();
        (await client.GetStringAsync("/api/catalog/products")).ShouldBe("catalog-old");

        factory.Reconfigure("Tessera:Services:catalog", factory.CatalogNew.Url);

        await Poll.UntilAsync(async () => await client.GetStringAsync("/api/catalog/products") == "catalog-new", "the gateway to forward to the new address");
        var old = factory.CatalogOld.Calls;
        for (var i = 0; i < 10; i++)
            (await client.GetStringAsync("/api/catalog/products")).ShouldBe("catalog-new");
        factory.CatalogOld.Calls.ShouldBe(old);
    }
}
