using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Tessera.Messaging.Outbox;
using Tessera.Orders.Contracts;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;

namespace Tessera.Orders.Tests;

/// <summary>
/// Orders imported from another system's history: their final status and dates and several payments are kept; they
/// reserve nothing, request no shipment, raise no deadline, and are still found by the search.
/// </summary>
public sealed class HistoryImportTests(OrdersFactory factory) : IClassFixture<OrdersFactory>
{
    private readonly string _tenant = "history-" + Guid.NewGuid().ToString("N")[..6];
    private HttpClient Client => factory.ClientFor(_tenant, "sales", "admin");

    private static readonly string[] Columns =
    [
        "channel", "external_ref", "placed_at", "customer_name", "customer_phone", "ship_city", "ship_province", "sku", "quantity", "unit_price",
        "status", "delivered_at", "cancelled_at", "payments",
    ];

    [Fact]
    public async Task A_completed_and_a_cancelled_order_are_imported_as_they_ended_with_their_payments_and_nothing_is_reserved()
    {
        var tea = factory.Catalog.Add("Oolong tea 250g");
        var (done, cancelled, open) = ("H-" + Guid.NewGuid().ToString("N")[..8], "H-" + Guid.NewGuid().ToString("N")[..8], "H-" + Guid.NewGuid().ToString("N")[..8]);
        var csv = ImportFiles.Csv(
        [
            ["marketplace:shopee", done, "2024-03-01T09:00:00+07:00", "Phạm Thu Hà", "0908111222", "Đà Lạt", "Lâm Đồng", tea, "2", "100000",
                "Completed", "2024-03-04T15:00:00+07:00", "", "cod 150000 2024-03-04T15:00:00+07:00; momo 50000 2024-03-02"],
            ["marketplace:shopee", cancelled, "2024-05-10T08:00:00+07:00", "Phạm Thu Hà", "0908111222", "Đà Lạt", "Lâm Đồng", tea, "1", "100000",
                "cancelled", "", "2024-05-10T12:00:00+07:00", ""],
            // An order without a status is a live order, as before: it is reserved.
            ["marketplace:shopee", open, "2025-11-10T08:00:00+07:00", "Phạm Thu Hà", "0908111222", "", "Lâm Đồng", tea, "1", "100000", "", "", "", ""],
        ], Columns);

        var import = await Client.FinishedAsync((await Client.UploadAsync(csv)).Id);
        (await Client.RejectionsAsync(import.Id)).ShouldBeEmpty();
        import.AcceptedOrders.ShouldBe(3);

        var found = await Poll.UntilAsync(() => Client.GetFromJsonAsync<OrderSearchPageDto>($"/api/orders/search?q={done}", TesseraJson.Options),
            p => p!.Items.Count == 1, "the historic order in the search");
        var completed = (await Client.GetFromJsonAsync<OrderDto>($"/api/orders/{found!.Items[0].Id}", TesseraJson.Options))!;
        completed.Status.ShouldBe(OrderStatus.Completed);
        completed.Historic.ShouldBeTrue();
        completed.Fulfilment.ShouldBeNull();
        completed.History.Select(h => (h.Status, h.At)).ShouldBe(
        [
            (OrderStatus.Pending, DateTimeOffset.Parse("2024-03-01T09:00:00+07:00", System.Globalization.CultureInfo.InvariantCulture)),
            (OrderStatus.Completed, DateTimeOffset.Parse("2024-03-04T15:00:00+07:00", System.Globalization.CultureInfo.InvariantCulture)),
        ]);
        completed.Payment!.Payments!.Select(p => (p.Method, p.Amount)).ShouldBe([("momo", 50000m), ("cod", 150000m)]);
        completed.Payment.Status.ShouldBe(PaymentStatus.Paid);
        // Only a city and a province: accepted.
        completed.Shipping!.Address!.ShouldSatisfyAllConditions(a => a.Line1.ShouldBeNull(), a => a.City.ShouldBe("Đà Lạt"));

        var byStatus = await Poll.UntilAsync(() => Client.GetFromJsonAsync<OrderSearchPageDto>($"/api/orders/search?q={cancelled}&status=Cancelled", TesseraJson.Options),
            p => p!.Items.Count == 1, "the cancelled historic order in the search");
        byStatus!.Items[0].Status.ShouldBe(OrderStatus.Cancelled);

        // History reserves nothing and requests no shipment: no OrderPlaced, only HistoricOrderImported. The live one is placed.
        var events = await factory.QueryAsync(null, db => db.Set<OutboxMessage>()
            .Where(m => m.AggregateId == completed.Id.ToString() || m.AggregateId == byStatus.Items[0].Id.ToString()).Select(m => m.Type).ToListAsync());
        events.ShouldBe(["HistoricOrderImported", "HistoricOrderImported"]);
        var live = await Poll.UntilAsync(() => Client.GetFromJsonAsync<OrderSearchPageDto>($"/api/orders/search?q={open}", TesseraJson.Options),
            p => p!.Items.Count == 1, "the live order");
        (await factory.QueryAsync(null, db => db.Set<OutboxMessage>().Where(m => m.AggregateId == live!.Items[0].Id.ToString()).Select(m => m.Type).ToListAsync()))
            .ShouldBe(["OrderPlaced"]);

        // The three orders of one phone are one customer's.
        (await Client.GetFromJsonAsync<OrderDto>($"/api/orders/{live!.Items[0].Id}", TesseraJson.Options))!.CustomerId.ShouldBe(completed.CustomerId);
    }

    [Fact]
    public async Task A_history_row_with_an_unknown_status_or_a_bad_payment_is_rejected_naming_the_column()
    {
        var tea = factory.Catalog.Add("Jasmine tea");
        var (bad, worse) = ("H-" + Guid.NewGuid().ToString("N")[..8], "H-" + Guid.NewGuid().ToString("N")[..8]);
        var csv = ImportFiles.Csv(
        [
            ["web", bad, "2024-03-01T09:00:00+07:00", "An", "", "Huế", "", tea, "1", "1000", "Confirmed", "", "", ""],
            ["web", worse, "2024-03-01T09:00:00+07:00", "An", "", "Huế", "", tea, "1", "1000", "Completed", "2024-03-02", "", "cash lots 2024-03-02"],
        ], Columns);
        var import = await Client.FinishedAsync((await Client.UploadAsync(csv)).Id);
        var rejections = await Client.RejectionsAsync(import.Id);
        rejections.Single(r => r.ExternalRef == bad).Reason.ShouldStartWith("status:");
        rejections.Single(r => r.ExternalRef == worse).Reason.ShouldStartWith("payments:");
    }

    [Fact]
    public async Task An_order_placed_with_only_a_city_and_province_is_accepted_but_an_address_with_neither_street_nor_city_is_not()
    {
        var tea = factory.Catalog.Add("Lotus tea");
        var ok = await Client.PostJsonAsync("/api/orders", new
        {
            channel = "web", customer = new { name = "Lê Văn Cường" }, lines = new[] { new { sku = tea, quantity = 1m, unitPrice = 1000m } },
            shipping = new { address = new { city = "Cần Thơ", province = "Cần Thơ", country = "VN" } },
        });
        ok.StatusCode.ShouldBe(HttpStatusCode.Created, await ok.Content.ReadAsStringAsync());
        var refused = await Client.PostJsonAsync("/api/orders", new
        {
            channel = "web", customer = new { name = "Lê Văn Cường" }, lines = new[] { new { sku = tea, quantity = 1m, unitPrice = 1000m } },
            shipping = new { address = new { ward = "Phường 1", country = "VN" } },
        });
        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await refused.Content.ReadAsStringAsync()).ShouldContain("shipping.address.city");
    }
}
