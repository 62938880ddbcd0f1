using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Inventory.Contracts;
using Tessera.Logistics.Contracts;
using Tessera.Orders.Contracts;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Hosting;
using Tessera.ServiceDefaults.Json;
using Tessera.ServiceDefaults.Security;
using Tessera.Testing;

namespace Tessera.Orders.Tests;

/// <summary>The system clock moved on by an offset that a test advances: the service lives "later" than the wall clock.</summary>
public sealed class MovableClock : TimeProvider
{
    private long _offsetTicks;

    public TimeSpan Offset => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + Offset;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);
}

/// <summary>Orders on a clock the test moves, checking deadlines every 50 ms; tokens are minted on the same clock.</summary>
public class MovableClockOrdersFactory : OrdersFactory
{
    public MovableClock Clock { get; init; } = new();

    /// <summary>A data folder to use instead of the factory's own (to start the service again on the same files).</summary>
    public string? DataFolder { get; init; }

    protected override IDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        ["Tessera:Orders:Fulfilment:CheckInterval"] = "00:00:00.050",
        ["Tessera:Orders:Fulfilment:DispatchWithin:standard"] = "1.12:00:00",
        ["Tessera:DataDir"] = DataFolder ?? DataDir,
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddSingleton<TimeProvider>(Clock));
    }

    /// <summary>A client whose every request carries a token issued "now" on the moved clock (a wall-clock token would look expired).</summary>
    public HttpClient ClientOnClock(string tenant, params string[] roles) =>
        CreateDefaultClient(new FreshToken(new SignedTokenCodec([SecretStore.ForDataDir(DataFolder ?? DataDir).GetOrCreateKey("internal-token")], Clock), tenant, roles));

    private sealed class FreshToken(SignedTokenCodec codec, string tenant, string[] roles) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", codec.Issue("tester", tenant, roles, TokenAudiences.Internal, TimeSpan.FromMinutes(10)));
            return base.SendAsync(request, cancellationToken);
        }
    }
}

public sealed class FulfilmentDeadlineTests(MovableClockOrdersFactory factory) : IClassFixture<MovableClockOrdersFactory>
{
    private const string Tenant = "deadlines";
    private readonly HttpClient _sales = factory.ClientOnClock(Tenant, "sales");

    private static List<ShippedLine> Lines(string sku, decimal quantity) => [new ShippedLine(sku, quantity)];

    private async Task<List<FulfilmentAlertDto>> OpenAlerts(Guid orderId) =>
        (await _sales.GetFromJsonAsync<PagedResult<FulfilmentAlertDto>>($"/api/orders/fulfilment/alerts?orderId={orderId}", TesseraJson.Options))!.Items.ToList();

    /// <summary>Lets the deadline job look several times at the clock as it is now.</summary>
    private static Task SeveralChecks() => Task.Delay(TimeSpan.FromMilliseconds(400));

    [Fact]
    public async Task A_request_not_dispatched_in_time_raises_one_alert_which_the_dispatch_clears()
    {
        var sku = factory.Catalog.Add();
        var order = await FulfilmentScenario.PlaceAsync(factory, _sales, Tenant, [(sku, 1m)], "express");
        var request = await order.ReserveAsync(new ReservedLine(sku, "HCM", 1m));
        var shipment = await order.CreatedAsync(request, "HCM", "SH-LATE");
        var due = (await order.FulfilmentAsync()).DispatchDueAt!.Value;

        factory.Clock.Advance(TimeSpan.FromHours(23));
        await SeveralChecks();
        factory.Clock.Advance(TimeSpan.FromHours(2));
        var alert = (await Poll.UntilAsync(() => OpenAlerts(order.Id), a => a.Count > 0, "the dispatch alert")).ShouldHaveSingleItem();

        alert.Kind.ShouldBe("dispatch-overdue");
        alert.RaisedAt.ShouldBeGreaterThanOrEqualTo(due);
        alert.Message.ShouldBe($"Order {order.Order.Number} is not dispatched within 24 h of the shipment request (express service): 0 of 1 shipments dispatched");
        factory.Clock.Advance(TimeSpan.FromHours(30));
        await SeveralChecks();
        var later = await order.GetAsync();
        later.Fulfilment!.Alerts.ShouldHaveSingleItem();
        later.Timeline!.Count(t => t.Kind == "alert").ShouldBe(1);
        later.Timeline!.Single(t => t.Kind == "alert").ShouldSatisfyAllConditions(t => t.By.ShouldBe("fulfilment"), t => t.Summary.ShouldBe("Alert: " + alert.Message));

        await order.DispatchedAsync(shipment, "HCM", Lines(sku, 1m), "W-LATE");

        (await OpenAlerts(order.Id)).ShouldBeEmpty();
        var cleared = (await order.FulfilmentAsync()).Alerts.ShouldHaveSingleItem();
        (cleared.ClearedBecause, cleared.ClearedBy).ShouldBe(("every shipment was dispatched", "logistics"));
        (await order.GetAsync()).Timeline![^1].Summary.ShouldBe("Alert cleared (dispatch-overdue): every shipment was dispatched");
    }

    [Fact]
    public async Task A_shipment_not_delivered_in_time_raises_its_alert_once_and_the_delivery_clears_it()
    {
        var sku = factory.Catalog.Add();
        // Standard is configured to 36 h here, to show the deadlines come from the configuration.
        var order = await FulfilmentScenario.PlaceAsync(factory, _sales, Tenant, [(sku, 1m)], serviceLevel: null);
        var request = await order.ReserveAsync(new ReservedLine(sku, "HCM", 1m));
        (await order.FulfilmentAsync()).ShouldSatisfyAllConditions(
            f => f.ServiceLevel.ShouldBe("standard"),
            f => f.DispatchDueAt.ShouldBe(f.RequestedAt!.Value.AddHours(36)));
        var shipment = await order.CreatedAsync(request, "HCM", "SH-SLOW");
        await order.DispatchedAsync(shipment, "HCM", Lines(sku, 1m), "W-SLOW");
        var deliveryDue = (await order.FulfilmentAsync()).Shipments.Single().DeliveryDueAt!.Value;
        deliveryDue.ShouldBe(factory.Clock.GetUtcNow().AddDays(5), TimeSpan.FromMinutes(1));

        factory.Clock.Advance(TimeSpan.FromDays(5) + TimeSpan.FromHours(1));
        var alert = (await Poll.UntilAsync(() => OpenAlerts(order.Id), a => a.Count > 0, "the delivery alert")).ShouldHaveSingleItem();
        (alert.Kind, alert.ShipmentId).ShouldBe(("delivery-overdue", shipment));
        alert.Message.ShouldBe("Shipment SH-SLOW from HCM with GHN, waybill W-SLOW is not delivered within 120 h of its dispatch");
        await SeveralChecks();
        (await order.FulfilmentAsync()).Alerts.Count.ShouldBe(1);

        await order.DeliveredAsync(shipment, "HCM", Lines(sku, 1m));

        (await OpenAlerts(order.Id)).ShouldBeEmpty();
        var dto = await order.GetAsync();
        dto.Status.ShouldBe(OrderStatus.Completed);
        dto.Fulfilment!.Alerts.Single().ClearedBecause.ShouldBe("shipment SH-SLOW was delivered");
    }

    [Fact]
    public async Task A_cancelled_order_raises_no_dispatch_alert_and_the_open_list_shows_the_newest_first()
    {
        var sku = factory.Catalog.Add();
        var cancelled = await FulfilmentScenario.PlaceAsync(factory, _sales, Tenant, [(sku, 1m)], "same-day");
        await cancelled.ReserveAsync(new ReservedLine(sku, "HCM", 1m));
        (await _sales.PostJsonAsync($"/api/orders/{cancelled.Id}/cancel", new { reason = "no longer needed" })).EnsureSuccessStatusCode();
        var first = await FulfilmentScenario.PlaceAsync(factory, _sales, Tenant, [(sku, 1m)], "same-day");
        await first.ReserveAsync(new ReservedLine(sku, "HCM", 1m));
        factory.Clock.Advance(TimeSpan.FromHours(5));
        await Poll.UntilAsync(() => OpenAlerts(first.Id), a => a.Count == 1, "the first alert");
        var second = await FulfilmentScenario.PlaceAsync(factory, _sales, Tenant, [(sku, 1m)], "same-day");
        await second.ReserveAsync(new ReservedLine(sku, "HCM", 1m));
        factory.Clock.Advance(TimeSpan.FromHours(5));
        await Poll.UntilAsync(() => OpenAlerts(second.Id), a => a.Count == 1, "the second alert");

        var page = (await _sales.GetFromJsonAsync<PagedResult<FulfilmentAlertDto>>("/api/orders/fulfilment/alerts?kind=dispatch-overdue&pageSize=500", TesseraJson.Options))!;
        var mine = page.Items.Where(a => a.OrderId == first.Id || a.OrderId == second.Id || a.OrderId == cancelled.Id).Select(a => a.OrderId).ToList();
        mine.ShouldBe([second.Id, first.Id]);
        (await cancelled.FulfilmentAsync()).Alerts.ShouldBeEmpty();
    }
}

public sealed class FulfilmentRestartTests
{
    private const string Tenant = "restarts";

    [Fact]
    public async Task After_a_restart_the_process_resumes_from_its_tables_and_raises_no_alert_twice()
    {
        using var folder = new TempDirectory("tessera-restart");
        var clock = new MovableClock();
        string sku;
        Guid orderId, shipment;
        await using (var first = new MovableClockOrdersFactory { Clock = clock, DataFolder = folder.Path })
        {
            sku = first.Catalog.Add();
            var order = await FulfilmentScenario.PlaceAsync(first, first.ClientOnClock(Tenant, "sales"), Tenant, [(sku, 2m)]);
            var request = await order.ReserveAsync(new ReservedLine(sku, "HCM", 2m));
            shipment = await order.CreatedAsync(request, "HCM", "SH-RESTART");
            orderId = order.Id;
            clock.Advance(TimeSpan.FromHours(37));
            await Poll.UntilAsync(async () => (await order.FulfilmentAsync()).Alerts.Count, c => c == 1, "the dispatch alert before the restart");
        }

        await using var second = new MovableClockOrdersFactory { Clock = clock, DataFolder = folder.Path };
        var resumed = FulfilmentScenario.Resume(second, second.ClientOnClock(Tenant, "sales"), Tenant, orderId);
        clock.Advance(TimeSpan.FromHours(10));
        await Task.Delay(TimeSpan.FromMilliseconds(400));
        var before = await resumed.GetAsync();
        before.Fulfilment!.Alerts.ShouldHaveSingleItem().ClearedAt.ShouldBeNull();
        before.Timeline!.Count(t => t.Kind == "alert").ShouldBe(1);

        await resumed.DispatchedAsync(shipment, "HCM", [new ShippedLine(sku, 2m)], "W-RESTART");
        await resumed.DeliveredAsync(shipment, "HCM", [new ShippedLine(sku, 2m)]);

        var after = await resumed.GetAsync();
        (after.Status, after.Fulfilment!.State).ShouldBe((OrderStatus.Completed, FulfilmentState.Completed));
        after.Fulfilment.Alerts.Single().ClearedAt.ShouldNotBeNull();
        (await second.PublishedAsync<ShipmentsRequested>()).Count(r => r.OrderId == orderId).ShouldBe(1);
        (await second.PublishedAsync<OrderCompleted>()).Count(r => r.OrderId == orderId).ShouldBe(1);
    }
}
