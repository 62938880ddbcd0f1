using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Catalog.Contracts;
using Tessera.Inventory.Contracts;
using Tessera.Orders.Contracts;
using Tessera.Orders.Data;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;

namespace Tessera.Orders.Tests;

public sealed class OrderApiTests(OrdersFactory factory) : IClassFixture<OrdersFactory>
{
    private const string Tenant = "acme";
    private readonly HttpClient _sales = factory.ClientFor(Tenant, "sales");

    private string Product(string name = "Green tea") => factory.Catalog.Add(name);

    private static object OrderBody(string sku, decimal quantity = 2m, string? externalRef = null, string channel = "web") => new
    {
        channel,
        externalRef,
        customer = new { name = "Nguyễn Văn An", phone = "+84 901 234 567", email = "an@example.vn" },
        lines = new[] { new { sku, quantity, unitPrice = 120000m } },
    };

    private async Task<OrderCreatedDto> Place(object body, string? key = null) =>
        await (await _sales.PostJsonAsync("/api/orders", body, key)).ReadAsync<OrderCreatedDto>();

    private Task<OrderDto?> Get(Guid id) => _sales.GetFromJsonAsync<OrderDto>($"/api/orders/{id}", TesseraJson.Options);

    [Fact]
    public async Task A_placed_order_is_pending_with_its_lines_customer_and_history()
    {
        var sku = Product("Green tea 500g");

        var response = await _sales.PostJsonAsync("/api/orders", OrderBody(sku, 3m));

        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var created = await response.ReadAsync<OrderCreatedDto>();
        created.Status.ShouldBe(OrderStatus.Pending);
        response.Headers.Location!.ToString().ShouldBe($"/api/orders/{created.Id}");

        var order = (await Get(created.Id))!;
        order.Number.ShouldBe(created.Number);
        order.Customer.ShouldBe(new CustomerDto("Nguyễn Văn An", "+84 901 234 567", "an@example.vn"));
        order.Lines.ShouldBe([new OrderLineDto(1, sku, "Green tea 500g", 3m, 120000m, 0m, 0m, 0m, 0m, 360000m)]);
        order.Total.ShouldBe(360000m);
        order.Currency.ShouldBe("VND");
        order.History.ShouldHaveSingleItem().ShouldSatisfyAllConditions(h => h.Status.ShouldBe(OrderStatus.Pending), h => h.By.ShouldBe("tester"));
        var placed = (await factory.PublishedAsync<OrderPlaced>()).Single(e => e.OrderId == created.Id);
        placed.Lines.ShouldBe([new OrderedLine(1, sku, 3m)]);
    }

    [Fact]
    public async Task OrderPlaced_carries_the_amounts_province_and_customer_reference_for_reporting_and_no_personal_data()
    {
        var sku = Product("Green tea 500g");
        var created = await Place(new
        {
            channel = "web",
            customer = new { name = "Nguyễn Văn An", phone = "+84 901 234 567", email = "an@example.vn", reference = "CRM-42" },
            shipping = new { consignee = "Nguyễn Văn An", address = new { line1 = "12 Lý Thường Kiệt", province = " Hà Nội ", country = "VN" } },
            lines = new[] { new { sku, quantity = 2m, unitPrice = 120000m, taxRate = 0.1m } },
            financial = new { shippingFee = 30000m },
        });

        var placed = (await factory.PublishedAsync<OrderPlaced>()).Single(e => e.OrderId == created.Id);

        (placed.CustomerReference, placed.Province).ShouldBe(("CRM-42", "Hà Nội"));
        var pricing = placed.Pricing.ShouldNotBeNull();
        (pricing.Currency, pricing.ShippingFee, pricing.DiscountTotal, pricing.TaxTotal, pricing.GrandTotal).ShouldBe(("VND", 30000m, 0m, 24000m, 294000m));
        pricing.Lines.ShouldHaveSingleItem().ShouldBe(new PricedOrderLine(1, sku, 2m, 120000m, 0m, 0m, 0.1m, 24000m, 264000m));
        var payload = await factory.QueryAsync(null, db => db.Set<Tessera.Messaging.Outbox.OutboxMessage>()
            .Where(m => m.Type == "OrderPlaced" && m.AggregateId == created.Id.ToString()).Select(m => m.Payload).SingleAsync());
        foreach (var personal in new[] { "Nguyễn Văn An", "901 234 567", "an@example.vn", "Lý Thường Kiệt" })
            payload.ShouldNotContain(personal);
    }

    [Fact]
    public async Task Invalid_fields_are_each_named()
    {
        var response = await _sales.PostJsonAsync("/api/orders", new
        {
            channel = "Web Shop",
            customer = new { name = "", email = "not-an-email" },
            lines = new[] { new { sku = "", quantity = 0m, unitPrice = 1m } },
        });

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.ProblemAsync()).ErrorFields().ShouldBe(
            ["channel", "customer.name", "customer.email", "lines[0].sku", "lines[0].quantity"], ignoreOrder: true);
    }

    [Fact]
    public async Task Unknown_skus_are_named_per_line()
    {
        var known = Product();

        var response = await _sales.PostJsonAsync("/api/orders", new
        {
            channel = "web",
            customer = new { name = "A" },
            lines = new[] { new { sku = known, quantity = 1m, unitPrice = 1m }, new { sku = "NO-SUCH", quantity = 1m, unitPrice = 1m } },
        });

        (await response.ProblemAsync()).ErrorFields().ShouldBe(["lines[1].sku"]);
    }

    [Fact]
    public async Task A_product_heard_of_through_catalog_events_can_be_ordered_while_the_catalog_is_down()
    {
        var sku = "EVT-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        await factory.DeliverAsync("catalog", Tenant, sku, new ProductCreated(Guid.NewGuid(), sku, "From events", "Tea", "pcs", 5m, "VND", 1));
        await factory.WaitForInboxAsync();
        factory.Catalog.Down = true;
        try
        {
            var known = await _sales.PostJsonAsync("/api/orders", OrderBody(sku));
            var unknown = await _sales.PostJsonAsync("/api/orders", OrderBody("NEVER-HEARD"));

            known.StatusCode.ShouldBe(HttpStatusCode.Created);
            (await Get((await known.ReadAsync<OrderCreatedDto>()).Id))!.Lines[0].Description.ShouldBe("From events");
            unknown.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
            (await unknown.ProblemAsync()).GetProperty("title").GetString().ShouldBe("Catalog is unavailable");
        }
        finally
        {
            factory.Catalog.Down = false;
        }
    }

    [Fact]
    public async Task The_same_idempotency_key_gives_the_same_order_and_another_body_is_refused()
    {
        var sku = Product();
        var key = Guid.NewGuid().ToString();

        var first = await Place(OrderBody(sku), key);
        var replay = await _sales.PostJsonAsync("/api/orders", OrderBody(sku), key);
        var other = await _sales.PostJsonAsync("/api/orders", OrderBody(sku, 5m), key);

        (await replay.ReadAsync<OrderCreatedDto>()).ShouldBe(first);
        other.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await factory.PublishedAsync<OrderPlaced>()).Count(e => e.OrderId == first.Id).ShouldBe(1);
    }

    [Fact]
    public async Task Concurrent_placements_get_gapless_numbers()
    {
        var sku = Product();
        using var tenant = factory.ClientFor("numbering", "sales");

        var created = await Task.WhenAll(Enumerable.Range(0, 40).Select(async _ =>
            await (await tenant.PostJsonAsync("/api/orders", OrderBody(sku))).ReadAsync<OrderCreatedDto>()));

        created.Select(c => c.Number).Order().ShouldBe(Enumerable.Range(1, 40).Select(i => (long)i));
        // All 40 have the same phone and e-mail: one customer was made for them, not one per writer that looked at once.
        var customers = await factory.QueryAsync("numbering", db => db.Customers.AsNoTracking().Select(c => c.Number).ToListAsync());
        customers.ShouldBe([1L]);
    }

    [Fact]
    public async Task Placements_with_one_external_reference_at_once_make_one_order()
    {
        var sku = Product();
        var reference = "LAZADA-" + Guid.NewGuid().ToString("N")[..6];

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ =>
            _sales.PostJsonAsync("/api/orders", OrderBody(sku, externalRef: reference, channel: "marketplace:lazada"))));

        responses.Count(r => r.StatusCode == HttpStatusCode.Created).ShouldBe(1);
        responses.Count(r => r.StatusCode == HttpStatusCode.Conflict).ShouldBe(9);
    }

    [Fact]
    public async Task An_external_reference_is_unique_per_channel()
    {
        var sku = Product();
        var reference = "SHOPEE-" + Guid.NewGuid().ToString("N")[..6];
        var first = await Place(OrderBody(sku, externalRef: reference, channel: "marketplace:shopee"));

        var duplicate = await _sales.PostJsonAsync("/api/orders", OrderBody(sku, externalRef: reference, channel: "marketplace:shopee"));
        var otherChannel = await _sales.PostJsonAsync("/api/orders", OrderBody(sku, externalRef: reference, channel: "pos"));

        duplicate.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await duplicate.ProblemAsync()).GetProperty("existingOrderId").GetGuid().ShouldBe(first.Id);
        otherChannel.StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Inventory_answers_confirm_or_reject_a_pending_order()
    {
        var sku = Product();
        var confirmed = await Place(OrderBody(sku));
        var rejected = await Place(OrderBody(sku, 99m));

        await factory.DeliverAsync("inventory", Tenant, confirmed.Id.ToString(), new StockReserved(confirmed.Id, [new ReservedLine(sku, "HCM", 2m)]));
        await factory.DeliverAsync("inventory", Tenant, rejected.Id.ToString(), new StockReservationFailed(rejected.Id, [new ShortLine(sku, 99m, 7m)]));
        await factory.WaitForInboxAsync();

        var ok = (await Get(confirmed.Id))!;
        ok.Status.ShouldBe(OrderStatus.Confirmed);
        ok.History.Select(h => h.Status).ShouldBe([OrderStatus.Pending, OrderStatus.Confirmed]);
        ok.History[1].Reason.ShouldBe("Reserved in HCM");
        var no = (await Get(rejected.Id))!;
        no.Status.ShouldBe(OrderStatus.Rejected);
        no.History[^1].Reason.ShouldBe($"Not enough stock: {sku} (ordered 99, available 7)");
        no.ShortLines.ShouldBe([new ShortLineDto(sku, 99m, 7m)]);
        (await factory.PublishedAsync<OrderConfirmed>()).ShouldContain(e => e.OrderId == confirmed.Id);
    }

    [Fact]
    public async Task Cancelling_a_confirmed_order_announces_it_once_and_a_rejected_order_cannot_be_cancelled()
    {
        var sku = Product();
        var order = await Place(OrderBody(sku));
        var rejected = await Place(OrderBody(sku));
        await factory.DeliverAsync("inventory", Tenant, order.Id.ToString(), new StockReserved(order.Id, [new ReservedLine(sku, "HCM", 2m)]));
        await factory.DeliverAsync("inventory", Tenant, rejected.Id.ToString(), new StockReservationFailed(rejected.Id, [new ShortLine(sku, 2m, 0m)]));
        await factory.WaitForInboxAsync();

        var cancel = await _sales.PostJsonAsync($"/api/orders/{order.Id}/cancel", new { reason = "Customer changed their mind" });
        var again = await _sales.PostJsonAsync($"/api/orders/{order.Id}/cancel", new { reason = "twice" });
        var refused = await _sales.PostJsonAsync($"/api/orders/{rejected.Id}/cancel", new { reason = "no" });
        var noReason = await _sales.PostJsonAsync($"/api/orders/{order.Id}/cancel", new { reason = "" });

        cancel.StatusCode.ShouldBe(HttpStatusCode.OK);
        var cancelled = await cancel.ReadAsync<OrderDto>();
        cancelled.Status.ShouldBe(OrderStatus.Cancelled);
        cancelled.History[^1].Reason.ShouldBe("Customer changed their mind");
        again.StatusCode.ShouldBe(HttpStatusCode.OK);
        refused.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await refused.ProblemAsync()).GetProperty("detail").GetString()!.ShouldContain("Rejected");
        (await noReason.ProblemAsync()).ErrorFields().ShouldBe(["reason"]);
        var events = (await factory.PublishedAsync<OrderCancelled>()).Where(e => e.OrderId == order.Id).ToList();
        events.ShouldHaveSingleItem().PreviousStatus.ShouldBe(OrderStatus.Confirmed);
    }

    [Fact]
    public async Task A_stock_answer_after_cancellation_leaves_the_order_cancelled()
    {
        var sku = Product();
        var order = await Place(OrderBody(sku));
        await _sales.PostJsonAsync($"/api/orders/{order.Id}/cancel", new { reason = "too slow" });

        await factory.DeliverAsync("inventory", Tenant, order.Id.ToString(), new StockReserved(order.Id, [new ReservedLine(sku, "HCM", 2m)]));
        await factory.WaitForInboxAsync();

        (await Get(order.Id))!.Status.ShouldBe(OrderStatus.Cancelled);
    }

    [Fact]
    public async Task A_cancel_with_a_stale_etag_is_refused()
    {
        var order = await Place(OrderBody(Product()));
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/orders/{order.Id}/cancel") { Content = JsonContent.Create(new { reason = "x" }) };
        request.Headers.IfMatch.Add(new EntityTagHeaderValue("\"7\""));

        (await _sales.SendAsync(request)).StatusCode.ShouldBe(HttpStatusCode.PreconditionFailed);
        (await Get(order.Id))!.Status.ShouldBe(OrderStatus.Pending);
    }

    [Fact]
    public async Task Orders_are_listed_newest_first_and_filtered_by_status()
    {
        using var tenant = factory.ClientFor("listing", "sales");
        var sku = Product();
        var ids = new List<Guid>();
        for (var i = 0; i < 5; i++)
            ids.Add(await (await tenant.PostJsonAsync("/api/orders", OrderBody(sku))).ReadAsync<OrderCreatedDto>().ContinueWith(t => t.Result.Id));
        await tenant.PostJsonAsync($"/api/orders/{ids[1]}/cancel", new { reason = "x" });

        var page = await tenant.GetFromJsonAsync<PagedResult<OrderSummaryDto>>("/api/orders?page=1&pageSize=3", TesseraJson.Options);
        var cancelled = await tenant.GetFromJsonAsync<PagedResult<OrderSummaryDto>>("/api/orders?status=cancelled", TesseraJson.Options);
        var bad = await tenant.GetAsync("/api/orders?status=lost");

        page!.Total.ShouldBe(5);
        page.Items.Select(o => o.Number).ShouldBe([5L, 4L, 3L]);
        page.Items[0].LineCount.ShouldBe(1);
        cancelled!.Items.ShouldHaveSingleItem().Id.ShouldBe(ids[1]);
        (await bad.ProblemAsync()).ErrorFields().ShouldBe(["status"]);
    }

    [Fact]
    public async Task Another_tenants_order_is_not_found()
    {
        var order = await Place(OrderBody(Product()));
        var other = factory.ClientFor("globex", "sales");

        (await other.GetAsync($"/api/orders/{order.Id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await other.PostJsonAsync($"/api/orders/{order.Id}/cancel", new { reason = "x" })).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await other.GetFromJsonAsync<PagedResult<OrderSummaryDto>>("/api/orders", TesseraJson.Options))!.Items.ShouldNotContain(o => o.Id == order.Id);
    }

    [Fact]
    public async Task A_viewer_cannot_place_or_cancel()
    {
        var viewer = factory.ClientFor(Tenant, "viewer");
        var order = await Place(OrderBody(Product()));

        (await viewer.PostJsonAsync("/api/orders", OrderBody(Product()))).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await viewer.PostJsonAsync($"/api/orders/{order.Id}/cancel", new { reason = "x" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await viewer.GetAsync($"/api/orders/{order.Id}")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Customer_details_are_not_stored_in_plaintext()
    {
        const string canary = "Canary Tran Thi Zebra";
        await Place(new { channel = "web", customer = new { name = canary, phone = "0987654321", email = "zebra.canary@example.vn" }, lines = new[] { new { sku = Product(), quantity = 1m, unitPrice = 1m } } });

        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrdersDbContext>();
        var bytes = await StoredText.ReadAsync(db);
        bytes.ShouldNotContain("Canary Tran");
        bytes.ShouldNotContain("0987654321");
        bytes.ShouldNotContain("zebra.canary");
    }

    [Fact]
    public async Task The_schema_created_by_the_migrations_matches_the_model()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        SchemaAssert.MatchesModel(scope.ServiceProvider.GetRequiredService<OrdersDbContext>());
    }
}
