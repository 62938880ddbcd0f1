using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Tessera.Inventory.Contracts;
using Tessera.Logistics.Contracts;
using Tessera.Orders.Contracts;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;

namespace Tessera.Orders.Tests;

public sealed class UnifiedOrderTests(OrdersFactory factory) : IClassFixture<OrdersFactory>
{
    private const string Tenant = "acme";
    private readonly HttpClient _sales = factory.ClientFor(Tenant, "sales", "admin");

    private static object FullOrder(string sku, string? reference = null, object? totals = null, object? attributes = null) => new
    {
        channel = "marketplace:shopee",
        externalRef = reference ?? "SP-" + Guid.NewGuid().ToString("N")[..8],
        currency = "VND",
        customer = new { name = "Phạm Thị Lan", phone = "0912 345 678", email = "lan@example.vn", reference = "CRM-42" },
        shipping = new
        {
            consignee = "Phạm Thị Lan",
            phone = "0912345678",
            address = new { line1 = "12 Lê Lợi", ward = "Bến Nghé", district = "Quận 1", city = "Hồ Chí Minh", country = "VN" },
            requestedDeliveryDate = "2026-12-01",
            serviceLevel = "express",
        },
        lines = new object[]
        {
            new { sku, quantity = 3m, unitPrice = 120000m, discount = 10000m, taxRate = 0.1m },
        },
        marketing = new { couponCodes = new[] { "tet2026" }, promotionCodes = Array.Empty<string>(), discounts = new[] { new { code = "tet2026", amount = 50000m } } },
        financial = new { shippingFee = 30000m, paymentMethod = "cod", paymentStatus = "Unpaid" },
        operational = new { preferredWarehouse = "hcm", notes = "Call before delivery", tags = new[] { "VIP", "gift" } },
        attributes,
        totals,
    };

    private async Task<OrderDto> Get(Guid id) => (await _sales.GetFromJsonAsync<OrderDto>($"/api/orders/{id}", TesseraJson.Options))!;

    private async Task<(OrderDto Order, string ETag)> GetWithETag(Guid id)
    {
        var response = await _sales.GetAsync($"/api/orders/{id}");
        return (await response.ReadAsync<OrderDto>(), response.Headers.ETag!.Tag);
    }

    private Task<HttpResponseMessage> Patch(Guid id, object body, string? etag)
    {
        var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/orders/{id}") { Content = JsonContent.Create(body, options: TesseraJson.Options) };
        if (etag is not null)
            request.Headers.IfMatch.Add(new EntityTagHeaderValue(etag));
        return _sales.SendAsync(request);
    }

    private async Task<OrderCreatedDto> Confirmed(string sku, decimal quantity = 3m)
    {
        var created = await (await _sales.PostJsonAsync("/api/orders", new
        {
            channel = "web",
            customer = new { name = "Lê Minh" },
            lines = new[] { new { sku, quantity, unitPrice = 1000m } },
        })).ReadAsync<OrderCreatedDto>();
        await factory.DeliverAsync("inventory", Tenant, created.Id.ToString(), new StockReserved(created.Id, [new ReservedLine(sku, "HCM", quantity)]));
        await factory.WaitForInboxAsync();
        return created;
    }

    [Fact]
    public async Task The_whole_unified_model_is_stored_and_priced_by_the_server()
    {
        var sku = factory.Catalog.Add("Green tea 500g");

        var created = await (await _sales.PostJsonAsync("/api/orders", FullOrder(sku, "SP-FULL-1"))).ReadAsync<OrderCreatedDto>();
        var order = await Get(created.Id);

        order.Customer.ShouldBe(new CustomerDto("Phạm Thị Lan", "0912 345 678", "lan@example.vn", "CRM-42"));
        order.Shipping!.Address!.Line1.ShouldBe("12 Lê Lợi");
        order.Shipping.RequestedDeliveryDate.ShouldBe(new DateOnly(2026, 12, 1));
        order.Shipping.ServiceLevel.ShouldBe("express");
        // gross 360,000 − line discount 10,000 − coupon 50,000 = 300,000 taxable; tax 30,000; + shipping 30,000
        order.Lines.Single().ShouldBe(new OrderLineDto(1, sku, "Green tea 500g", 3m, 120000m, 10000m, 50000m, 0.1m, 30000m, 330000m));
        order.Totals.ShouldBe(new TotalsDto(360000m, 60000m, 30000m, 30000m, 360000m));
        order.Total.ShouldBe(360000m);
        order.Marketing!.CouponCodes.ShouldBe(["TET2026"]);
        order.Payment.ShouldBe(new PaymentDto("cod", PaymentStatus.Unpaid));
        (order.Operational!.PreferredWarehouse, order.Operational.Notes).ShouldBe(("HCM", "Call before delivery"));
        order.Operational.Tags.ShouldBe(["gift", "vip"]);
        var placed = (await factory.PublishedAsync<OrderPlaced>()).Single(e => e.OrderId == created.Id);
        placed.PreferredWarehouse.ShouldBe("HCM");
        // Finance invoices from these, never repricing: the line's net after both discounts, its tax, the shipping fee.
        placed.Pricing.ShouldNotBeNull();
        (placed.Pricing.Currency, placed.Pricing.ShippingFee, placed.Pricing.TaxTotal, placed.Pricing.GrandTotal).ShouldBe(("VND", 30000m, 30000m, 360000m));
        placed.Pricing.Lines.ShouldBe([new PricedOrderLine(1, sku, 3m, 120000m, 10000m, 50000m, 0.1m, 30000m, 330000m)]);
    }

    [Fact]
    public async Task Client_totals_that_disagree_are_refused_with_the_difference_named()
    {
        var sku = factory.Catalog.Add();

        var wrong = await _sales.PostJsonAsync("/api/orders", FullOrder(sku, totals: new { grandTotal = 361000m, taxTotal = 30000m }));
        var right = await _sales.PostJsonAsync("/api/orders", FullOrder(sku, totals: new { subtotal = 360000m, discountTotal = 60000m, taxTotal = 30000m, shippingFee = 30000m, grandTotal = 360000m }));

        wrong.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        var problem = await wrong.ProblemAsync();
        problem.ErrorFields().ShouldBe(["totals.grandTotal"]);
        problem.GetProperty("errors").GetProperty("totals.grandTotal")[0].GetString().ShouldBe("Sent 361000, computed 360000 (difference 1000).");
        problem.GetProperty("computed").GetProperty("grandTotal").GetDecimal().ShouldBe(360000m);
        right.StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Extension_attributes_are_validated_against_the_tenants_definitions()
    {
        using var tenant = factory.ClientFor("attrs", "admin");
        (await tenant.PutAsJsonAsync("/api/orders/attributes/gift_wrap", new { label = "Gift wrap", type = "boolean", required = true })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await tenant.PutAsJsonAsync("/api/orders/attributes/source", new { label = "Source", type = "choice", required = false, allowedValues = new[] { "tiktok", "facebook" } }))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        var sku = factory.Catalog.Add();

        var missing = await tenant.PostJsonAsync("/api/orders", FullOrder(sku, attributes: new { source = "tiktok" }));
        var wrong = await tenant.PostJsonAsync("/api/orders", FullOrder(sku, attributes: new { gift_wrap = "maybe", source = "instagram", colour = "red" }));
        var ok = await tenant.PostJsonAsync("/api/orders", FullOrder(sku, attributes: new { gift_wrap = true, source = "tiktok" }));

        (await missing.ProblemAsync()).ErrorFields().ShouldBe(["attributes.gift_wrap"]);
        (await wrong.ProblemAsync()).ErrorFields().ShouldBe(["attributes.gift_wrap", "attributes.source", "attributes.colour"], ignoreOrder: true);
        var created = await ok.ReadAsync<OrderCreatedDto>();
        var order = await tenant.GetFromJsonAsync<OrderDto>($"/api/orders/{created.Id}", TesseraJson.Options);
        order!.Attributes.ShouldBe(new Dictionary<string, string> { ["gift_wrap"] = "true", ["source"] = "tiktok" });
        var definitions = await tenant.GetFromJsonAsync<List<AttributeDefinitionDto>>("/api/orders/attributes", TesseraJson.Options);
        definitions!.Select(d => d.Name).ShouldBe(["gift_wrap", "source"]);
    }

    [Fact]
    public async Task A_change_needs_the_current_etag_and_of_two_concurrent_edits_one_wins_and_the_other_gets_412()
    {
        var created = await (await _sales.PostJsonAsync("/api/orders", FullOrder(factory.Catalog.Add()))).ReadAsync<OrderCreatedDto>();
        var (_, etag) = await GetWithETag(created.Id);

        var noEtag = await Patch(created.Id, new { operational = new { tags = new[] { "late" } } }, null);
        var results = await Task.WhenAll(
            Patch(created.Id, new { operational = new { notes = "first", tags = new[] { "a" } } }, etag),
            Patch(created.Id, new { operational = new { notes = "second", tags = new[] { "b" } } }, etag));

        noEtag.StatusCode.ShouldBe(HttpStatusCode.PreconditionRequired);
        results.Select(r => r.StatusCode).ShouldBe([HttpStatusCode.OK, HttpStatusCode.PreconditionFailed], ignoreOrder: true);
        var winner = await results.Single(r => r.IsSuccessStatusCode).ReadAsync<OrderDto>();
        var stored = await Get(created.Id);
        stored.Operational!.Notes.ShouldBe(winner.Operational!.Notes);
        stored.Version.ShouldBe(winner.Version);
        stored.Timeline!.Count(t => t.Kind == "change").ShouldBe(1);
    }

    [Fact]
    public async Task Every_change_is_kept_with_who_and_when_but_never_personal_values()
    {
        var created = await (await _sales.PostJsonAsync("/api/orders", FullOrder(factory.Catalog.Add()))).ReadAsync<OrderCreatedDto>();
        var (_, etag) = await GetWithETag(created.Id);

        var response = await Patch(created.Id, new
        {
            shipping = new { consignee = "Secret Person", address = new { line1 = "99 Hidden Street", country = "VN" } },
            financial = new { shippingFee = 0m },
        }, etag);

        var order = await response.ReadAsync<OrderDto>();
        order.Shipping!.Address!.Line1.ShouldBe("99 Hidden Street");
        order.Totals!.ShippingFee.ShouldBe(0m);
        order.Totals.GrandTotal.ShouldBe(330000m);
        var change = order.Timeline!.Single(t => t.Kind == "change");
        change.By.ShouldBe("tester");
        change.Summary.ShouldBe("Changed shipping details, shipping fee");
        string.Join(" ", order.Timeline!.Select(t => t.Summary)).ShouldNotContain("Hidden Street");
        (await factory.PublishedAsync<OrderChanged>()).Single(e => e.OrderId == created.Id).Fields.ShouldBe(["shipping", "shippingFee"]);
    }

    [Fact]
    public async Task New_lines_wait_for_inventory_and_are_applied_when_the_reservation_is_adjusted()
    {
        var sku = factory.Catalog.Add();
        var extra = factory.Catalog.Add();
        var created = await Confirmed(sku);
        var (_, etag) = await GetWithETag(created.Id);

        var proposed = await (await Patch(created.Id, new { lines = new object[] { new { sku, quantity = 5m, unitPrice = 1000m }, new { sku = extra, quantity = 1m, unitPrice = 500m } } }, etag))
            .ReadAsync<OrderDto>();
        proposed.Lines.Single().Quantity.ShouldBe(3m);
        proposed.PendingChange!.Lines.Select(l => (l.Sku, l.Quantity)).ShouldBe([(sku, 5m), (extra, 1m)]);
        var changed = (await factory.PublishedAsync<OrderChanged>()).Single(e => e.OrderId == created.Id);
        changed.LineChange!.Lines.Select(l => (l.Sku, l.Quantity)).ShouldBe([(sku, 5m), (extra, 1m)]);
        (await Patch(created.Id, new { lines = new[] { new { sku, quantity = 9m, unitPrice = 1m } } }, $"\"{proposed.Version}\"")).StatusCode.ShouldBe(HttpStatusCode.Conflict);

        await factory.DeliverAsync("inventory", Tenant, created.Id.ToString(), new ReservationAdjusted(created.Id, changed.LineChange.ChangeId,
            [new ReservedLine(sku, "HCM", 2m), new ReservedLine(extra, "HCM", 1m)], []));
        await factory.WaitForInboxAsync();

        var order = await Get(created.Id);
        order.PendingChange.ShouldBeNull();
        order.Lines.Select(l => (l.Sku, l.Quantity)).ShouldBe([(sku, 5m), (extra, 1m)]);
        order.Total.ShouldBe(5500m);
        // The fulfilment's own steps are in the story too: shipments requested at the confirmation, and again for the new lines.
        order.Timeline!.Select(t => t.Kind).ShouldBe(["status", "status", "fulfilment", "change", "report", "change", "fulfilment"]);
        order.Timeline![4].Summary.ShouldContain($"reserved {sku} × 2 in HCM");
        (await factory.PublishedAsync<OrderLinesChanged>()).ShouldContain(e => e.OrderId == created.Id);
    }

    [Fact]
    public async Task A_refused_line_change_leaves_the_lines_as_they_were_and_says_why()
    {
        var sku = factory.Catalog.Add();
        var created = await Confirmed(sku);
        var (_, etag) = await GetWithETag(created.Id);
        await Patch(created.Id, new { lines = new[] { new { sku, quantity = 50m, unitPrice = 1000m } } }, etag);
        var changeId = (await factory.PublishedAsync<OrderChanged>()).Single(e => e.OrderId == created.Id).LineChange!.ChangeId;

        await factory.DeliverAsync("inventory", Tenant, created.Id.ToString(),
            new ReservationAdjustmentFailed(created.Id, changeId, [new ShortLine(sku, 47m, 10m)], "Not enough stock for the change."));
        await factory.WaitForInboxAsync();

        var order = await Get(created.Id);
        order.PendingChange.ShouldBeNull();
        order.Lines.Single().Quantity.ShouldBe(3m);
        order.Timeline![^1].Summary.ShouldBe($"Line change refused, the order keeps its lines: not enough stock: {sku} (ordered 47, available 10)");
    }

    [Fact]
    public async Task After_dispatch_nothing_can_change_and_the_reason_is_given()
    {
        var sku = factory.Catalog.Add();
        var created = await Confirmed(sku);
        await factory.DeliverAsync("logistics", Tenant, created.Id.ToString(),
            new ShipmentDispatched(Guid.NewGuid(), created.Id, "HCM", "GHN", "GHN123", [new ShippedLine(sku, 3m)], DateTimeOffset.UtcNow));
        await factory.WaitForInboxAsync();
        var (order, etag) = await GetWithETag(created.Id);

        var change = await Patch(created.Id, new { lines = new[] { new { sku, quantity = 1m, unitPrice = 1000m } } }, etag);
        var cancel = await _sales.PostJsonAsync($"/api/orders/{created.Id}/cancel", new { reason = "too late" });

        order.Status.ShouldBe(OrderStatus.Dispatched);
        order.History[^1].Reason.ShouldBe("Dispatched from HCM with GHN, waybill GHN123");
        change.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await change.ProblemAsync()).GetProperty("detail").GetString().ShouldBe(
            $"Order {created.Number} is Dispatched; only Pending or Confirmed orders can be changed, and nothing can change once it is dispatched.");
        (await cancel.ProblemAsync()).GetProperty("detail").GetString()!.ShouldContain("it has left the warehouse");
    }
}
