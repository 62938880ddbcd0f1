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
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Model;

namespace Tessera.Web.Tests;

/// <summary>
/// The web front-end in front of two instances each of "orders", "inventory" and "procurement" (Tessera:Services:&lt;name&gt;
/// lists both), and a "catalog" that the tests move to another address while the gateway runs. Each instance answers
/// with its own name and counts what reached it; all are ready at /health/ready while they run, even one whose API
/// calls are made to fail.
/// </summary>
public sealed class GatewayInstancesFactory : ServiceFactory<Program, WebDbContext>, IAsyncLifetime
{
    public const string AdminPassword = "demo-password-123";

    public Instance OrdersA { get; } = new("orders-a");
    public Instance OrdersB { get; } = new("orders-b");
    public Instance InventoryA { get; } = new("inventory-a");
    public Instance InventoryB { get; } = new("inventory-b");
    public Instance ProcurementA { get; } = new("procurement-a");
    public Instance ProcurementB { get; } = new("procurement-b");
    public Instance CatalogOld { get; } = new("catalog-old");
    public Instance CatalogNew { get; } = new("catalog-new");
    public Instance Logistics { get; } = new("logistics");
    public Instance Finance { get; } = new("finance");
    public Instance ReportingOld { get; } = new("reporting-old");
    public Instance ReportingNew { get; } = new("reporting-new");

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Tessera:Bootstrap:AdminPassword"] = AdminPassword,
        ["Tessera:Services:orders"] = $"{OrdersA.Url}; {OrdersB.Url}",
        ["Tessera:Services:inventory"] = $"{InventoryA.Url};{InventoryB.Url}",
        ["Tessera:Services:procurement"] = $"{ProcurementA.Url};{ProcurementB.Url}",
        ["Tessera:Services:catalog"] = CatalogOld.Url,
        ["Tessera:Services:logistics"] = Logistics.Url,
        ["Tessera:Services:finance"] = Finance.Url,
        ["Tessera:Services:reporting"] = ReportingOld.Url,
        ["Tessera:Gateway:HoldWhileUnavailable"] = "00:00:04",
        ["Tessera:Gateway:HealthCheckInterval"] = "00:00:00.500",
        ["Tessera:Gateway:PassiveReactivationPeriod"] = "00:00:02",
        ["Tessera:RateLimit:ApiBurst"] = "10000",
        ["Tessera:RateLimit:ApiPerSecond"] = "10000",
    };

    public async Task InitializeAsync()
    {
        foreach (var instance in All.Except([Logistics, Finance]))
            await instance.StartAsync();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        foreach (var instance in All)
            await instance.DisposeAsync();
    }

    private Instance[] All => [OrdersA, OrdersB, InventoryA, InventoryB, ProcurementA, ProcurementB, CatalogOld, CatalogNew, Logistics, Finance, ReportingOld, ReportingNew];

    /// <summary>What the gateway currently believes about an instance of a service.</summary>
    public DestinationHealthState Health(string service, Instance instance)
    {
        Services.GetRequiredService<IProxyStateLookup>().TryGetCluster(service, out var cluster).ShouldBeTrue();
        return cluster.Destinations.Values.Single(d => d.Model.Config.Address.TrimEnd('/') == instance.Url).Health;
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

        /// <summary>When set, every API call is cut off after it arrived, while /health/ready keeps answering.</summary>
        public bool Broken { get; set; }

        public async Task StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls(Url);
            builder.Logging.ClearProviders();
            _app = builder.Build();
            _app.MapGet("/health/ready", () => Results.Ok());
            _app.Map("/api/{**path}", (HttpContext context) =>
            {
                Interlocked.Increment(ref _calls);
                if (Broken)
                    context.Abort();
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

/// <summary>
/// A service may run as several instances: the gateway spreads requests over them, leaves out one that stops or fails
/// its calls and takes it back once it is well, and follows an address that changes. Calls that may be sent twice keep
/// succeeding throughout.
/// </summary>
public sealed class GatewayInstancesTests(GatewayInstancesFactory factory) : IClassFixture<GatewayInstancesFactory>
{
    [Fact]
    public async Task An_instance_that_stops_is_left_out_and_taken_back_once_its_health_check_passes_while_calls_keep_succeeding()
    {
        var client = await factory.SignedInClientAsync();

        var answers = new List<string>();
        for (var i = 0; i < 40; i++)
            answers.Add(await SucceedingGetAsync(client, "/api/orders/orders"));
        answers.Count(a => a == "orders-a").ShouldBeGreaterThan(0);
        answers.Count(a => a == "orders-b").ShouldBeGreaterThan(0);

        await factory.OrdersB.StopAsync();
        // Every call succeeds while the gateway finds out: one sent to the stopped instance is sent again to the other,
        // a POST too, as a refused connection means it never arrived.
        await Poll.UntilAsync(async () =>
        {
            for (var i = 0; i < 10; i++)
            {
                (await SucceedingGetAsync(client, "/api/orders/orders")).ShouldBe("orders-a");
                var post = await client.PostAsJsonAsync("/api/orders/orders", new { line = i });
                if (post.StatusCode != HttpStatusCode.OK)
                    lock (_failures)
                        _failures.Add($"POST /api/orders/orders: {(int)post.StatusCode}");
            }
            return factory.Health("orders", factory.OrdersB).Active == DestinationHealth.Unhealthy;
        }, "the active health check to find the stopped instance down");
        var before = factory.OrdersA.Calls;
        for (var i = 0; i < 20; i++)
            (await SucceedingGetAsync(client, "/api/orders/orders")).ShouldBe("orders-a");
        factory.OrdersA.Calls.ShouldBe(before + 20, "no call is tried on the instance that is out");

        await factory.OrdersB.StartAsync();
        await Poll.UntilAsync(async () =>
        {
            var callsOnB = factory.OrdersB.Calls;
            for (var i = 0; i < 10; i++)
                await SucceedingGetAsync(client, "/api/orders/orders");
            return factory.OrdersB.Calls > callsOnB;
        }, "the restarted instance to take calls again");
        factory.Health("orders", factory.OrdersB).Active.ShouldBe(DestinationHealth.Healthy);
        _failures.ShouldBeEmpty();
    }

    [Fact]
    public async Task An_instance_whose_calls_fail_is_left_out_by_passive_detection_though_its_health_endpoint_answers()
    {
        var client = await factory.SignedInClientAsync();
        factory.InventoryB.Broken = true;

        await Poll.UntilAsync(async () =>
        {
            for (var i = 0; i < 10; i++)
                (await SucceedingGetAsync(client, "/api/inventory/stock")).ShouldBe("inventory-a");
            return factory.Health("inventory", factory.InventoryB).Passive == DestinationHealth.Unhealthy;
        }, "passive detection to leave the failing instance out");
        factory.Health("inventory", factory.InventoryB).Active.ShouldNotBe(DestinationHealth.Unhealthy, "only its calls fail");
        var callsOnB = factory.InventoryB.Calls;
        for (var i = 0; i < 20; i++)
            (await SucceedingGetAsync(client, "/api/inventory/stock")).ShouldBe("inventory-a");
        factory.InventoryB.Calls.ShouldBe(callsOnB);

        factory.InventoryB.Broken = false;
        await Poll.UntilAsync(async () =>
        {
            for (var i = 0; i < 10; i++)
            {
                if (await SucceedingGetAsync(client, "/api/inventory/stock") == "inventory-b")
                    return true;
            }
            return false;
        }, "the repaired instance to be tried again after its reactivation period");
        _failures.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_call_that_may_not_be_sent_twice_is_not_sent_again_when_its_instance_broke_while_answering()
    {
        var client = await factory.SignedInClientAsync();
        factory.ProcurementB.Broken = true;

        var refused = 0;
        var sentAgain = 0;
        for (var i = 0; i < 30; i++)
        {
            var plain = await client.PostAsJsonAsync("/api/procurement/receipts", new { line = i });
            if (plain.StatusCode == HttpStatusCode.ServiceUnavailable)
            {
                refused++;
                (await plain.ProblemAsync()).GetProperty("title").GetString().ShouldBe("Procurement is unavailable");
            }
            else
            {
                plain.StatusCode.ShouldBe(HttpStatusCode.OK);
            }

            var keyed = new HttpRequestMessage(HttpMethod.Post, "/api/procurement/receipts") { Content = JsonContent.Create(new { line = i }) };
            keyed.Headers.Add("Idempotency-Key", $"receipt-{i}");
            var response = await client.SendAsync(keyed);
            response.StatusCode.ShouldBe(HttpStatusCode.OK, "a call with an Idempotency-Key is sent to the other instance");
            (await response.Content.ReadAsStringAsync()).ShouldBe("procurement-a");
            sentAgain++;
        }
        refused.ShouldBeGreaterThan(0, "a plain POST that reached the broken instance is answered 503, not sent twice");
        sentAgain.ShouldBe(30);
        factory.ProcurementB.Broken = false;
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

    [Fact]
    public async Task A_new_build_warming_up_beside_the_running_one_gets_reads_but_no_write_until_it_is_the_only_one()
    {
        var client = await factory.SignedInClientAsync();
        // The first step of a rolling upgrade's switch (docs/adr/0030): both builds addressed, the new one warming up.
        factory.Reconfigure("Tessera:WarmingUp:reporting", factory.ReportingNew.Url);
        factory.Reconfigure("Tessera:Services:reporting", $"{factory.ReportingOld.Url};{factory.ReportingNew.Url}");
        await Poll.UntilAsync(async () => await client.GetStringAsync("/api/reporting/runs") == "reporting-new", "a read to reach the new build");

        var (oldCalls, newCalls) = (factory.ReportingOld.Calls, factory.ReportingNew.Calls);
        for (var i = 0; i < 20; i++)
        {
            using var keyed = new HttpRequestMessage(HttpMethod.Post, "/api/reporting/runs") { Content = JsonContent.Create(new { model = "m" }) };
            keyed.Headers.Add("Idempotency-Key", $"run-{i}");
            (await (await client.SendAsync(keyed)).Content.ReadAsStringAsync()).ShouldBe("reporting-old");
            (await (await client.PutAsJsonAsync("/api/reporting/settings", new { on = true })).Content.ReadAsStringAsync()).ShouldBe("reporting-old");
        }
        factory.ReportingNew.Calls.ShouldBe(newCalls, "no write reached the build warming up");
        factory.ReportingOld.Calls.ShouldBe(oldCalls + 40);

        // The running build gone (it crashed while the new one warmed up): a write that may be sent again goes to the new one.
        await factory.ReportingOld.StopAsync();
        using (var keyed = new HttpRequestMessage(HttpMethod.Post, "/api/reporting/runs") { Content = JsonContent.Create(new { model = "m" }) })
        {
            keyed.Headers.Add("Idempotency-Key", "run-after-crash");
            (await (await client.SendAsync(keyed)).Content.ReadAsStringAsync()).ShouldBe("reporting-new");
        }

        // The second step: the new build alone, no longer warming up.
        factory.Reconfigure("Tessera:Services:reporting", factory.ReportingNew.Url);
        factory.Reconfigure("Tessera:WarmingUp:reporting", "");
        await Poll.UntilAsync(async () => await (await client.PostAsJsonAsync("/api/reporting/runs", new { model = "m" })).Content.ReadAsStringAsync() == "reporting-new",
            "a plain write to reach the new build");
    }

    [Fact]
    public async Task A_call_to_a_service_that_is_restarting_is_held_until_it_is_back_and_reaches_it_once()
    {
        var client = await factory.SignedInClientAsync();
        // Logistics is down when the calls arrive (a crash: nothing listens on its port) and comes back a second later.
        var read = client.GetAsync("/api/logistics/shipments");
        var plainPost = client.PostAsJsonAsync("/api/logistics/shipments/pick", new { shipment = 1 });
        var keyed = new HttpRequestMessage(HttpMethod.Post, "/api/logistics/shipments/pack") { Content = JsonContent.Create(new { shipment = 1 }) };
        keyed.Headers.Add("Idempotency-Key", "pack-1");
        var keyedPost = client.SendAsync(keyed);
        await Task.Delay(TimeSpan.FromSeconds(1));
        read.IsCompleted.ShouldBeFalse("the call is held while nothing listens");
        await factory.Logistics.StartAsync();

        foreach (var response in await Task.WhenAll(read, plainPost, keyedPost))
        {
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await response.Content.ReadAsStringAsync()).ShouldBe("logistics");
        }
        factory.Logistics.Calls.ShouldBe(3, "each held call reached the service once");
        await factory.Logistics.StopAsync();
    }

    [Fact]
    public async Task A_service_that_stays_down_is_named_in_a_503_once_the_hold_is_over()
    {
        var client = await factory.SignedInClientAsync();

        var started = System.Diagnostics.Stopwatch.StartNew();
        var response = await client.GetAsync("/api/finance/accounts");

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        (await response.ProblemAsync()).GetProperty("title").GetString().ShouldBe("Finance is unavailable");
        response.Headers.RetryAfter.ShouldNotBeNull();
        started.Elapsed.ShouldBeGreaterThan(TimeSpan.FromSeconds(3), "held for Tessera:Gateway:HoldWhileUnavailable first");
        started.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(30), "the hold is bounded");
    }

    /// <summary>
    /// Every answer that was not a success, kept here because a probe inside <see cref="Poll"/> may throw without failing
    /// the test.
    /// </summary>
    private readonly List<string> _failures = [];

    private async Task<string> SucceedingGetAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
            lock (_failures)
                _failures.Add($"GET {path}: {(int)response.StatusCode} {body}");
        response.StatusCode.ShouldBe(HttpStatusCode.OK, body);
        return body;
    }
}
