using System.Net;
using Tessera.Procurement.Contracts;
using Tessera.Testing;

namespace Tessera.Procurement.Tests;

public sealed class PurchaseOrderTests(ProcurementFactory factory) : IClassFixture<ProcurementFactory>
{
    private readonly Buyer _buyer = new(factory);

    [Fact]
    public async Task A_draft_is_priced_from_the_suppliers_prices_and_its_totals_are_computed_by_the_server()
    {
        var supplier = await _buyer.SupplierAsync();
        var (tea, rice) = (_buyer.Sku(), _buyer.Sku());
        await _buyer.PricesAsync(supplier.Id,
            new { sku = tea, unitPrice = 1000m }, new { sku = tea, unitPrice = 900m, minQuantity = 50m },
            new { sku = rice, unitPrice = 333.33m, validTo = "2000-01-01" });
        var warehouse = _buyer.Warehouse();

        var order = await _buyer.DraftAsync(supplier.Id, warehouse.ToLowerInvariant(),
            new { sku = tea, quantity = 60m, taxRate = 0.1m },
            new { sku = rice, quantity = 3m, unitPrice = 333.33m, taxRate = 0.05m });

        order.Number.ShouldStartWith("PO-");
        (order.Status, order.Warehouse, order.Currency, order.Origin, order.SupplierCode).ShouldBe((PurchaseOrderStatus.Draft, warehouse, "VND", "manual", supplier.Code));
        order.Lines.Select(l => (l.LineNo, l.Sku, l.UnitPrice, l.Subtotal, l.TaxAmount, l.Total)).ShouldBe(
            [(1, tea, 900m, 54_000m, 5_400m, 59_400m), (2, rice, 333.33m, 1_000m, 50m, 1_050m)]);
        (order.Subtotal, order.TaxTotal, order.Total).ShouldBe((55_000m, 5_450m, 60_450m));
        order.History.ShouldHaveSingleItem().ShouldSatisfyAllConditions(h => h.Status.ShouldBe(PurchaseOrderStatus.Draft), h => h.By.ShouldBe("tester"));
    }

    [Fact]
    public async Task A_draft_is_refused_naming_each_field_that_is_wrong()
    {
        var supplier = await _buyer.SupplierAsync();
        var inactive = await _buyer.SupplierAsync(active: false);
        var (known, unpriced) = (_buyer.Sku(), _buyer.Sku());

        var response = await _buyer.CreateOrderAsync(supplier.Id, "NOWHERE", [
            new { sku = known, quantity = 1m, unitPrice = 5m },
            new { sku = "GHOST-9", quantity = 1m, unitPrice = 5m },
            new { sku = unpriced, quantity = 2m },
            new { sku = known, quantity = 4m, unitPrice = 5m },
        ]);
        var invalid = await _buyer.CreateOrderAsync(supplier.Id, "", [new { sku = known, quantity = 0m, unitPrice = -1m, taxRate = 1.5m }]);
        var fromInactive = await _buyer.CreateOrderAsync(inactive.Id, _buyer.Warehouse(), [new { sku = known, quantity = 1m, unitPrice = 1m }]);

        var problem = await response.ProblemAsync();
        problem.ErrorFields().ShouldBe(["warehouse", "lines[1].sku", "lines[2].unitPrice", "lines[3].sku"], ignoreOrder: true);
        problem.GetProperty("errors").GetProperty("lines[2].unitPrice")[0].GetString()!.ShouldContain($"has no price for 2 of {unpriced}");
        (await invalid.ProblemAsync()).ErrorFields().ShouldBe(["warehouse", "lines[0].quantity", "lines[0].unitPrice", "lines[0].taxRate"], ignoreOrder: true);
        (await fromInactive.ProblemAsync()).ErrorFields().ShouldBe(["supplierId"]);
    }

    [Fact]
    public async Task Numbers_are_sequential_per_tenant_without_gaps_even_when_a_create_is_refused_or_replayed()
    {
        var buyer = new Buyer(factory, "seq-" + Guid.NewGuid().ToString("N")[..6]);
        var supplier = await buyer.SupplierAsync();
        var (warehouse, sku) = (buyer.Warehouse(), buyer.Sku());
        var line = new object[] { new { sku, quantity = 1m, unitPrice = 1m } };
        var numbers = new List<string>();

        numbers.Add((await (await buyer.CreateOrderAsync(supplier.Id, warehouse, line, "k1")).ReadAsync<PurchaseOrderDto>()).Number);
        (await buyer.CreateOrderAsync(supplier.Id, warehouse, line, "k1")).Headers.GetValues("Idempotent-Replayed").ShouldBe(["true"]);
        (await buyer.CreateOrderAsync(supplier.Id, "NOWHERE", line)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var parallel = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => buyer.CreateOrderAsync(supplier.Id, warehouse, line)));
        foreach (var response in parallel)
            numbers.Add((await response.ReadAsync<PurchaseOrderDto>()).Number);

        numbers.Order().ShouldBe(Enumerable.Range(1, 9).Select(n => $"PO-{n:D6}"));
        (await new Buyer(factory, "other-" + Guid.NewGuid().ToString("N")[..6]).ApprovedAsync((sku, 1m, 1m))).Number.ShouldBe("PO-000001");
    }

    [Fact]
    public async Task The_same_idempotency_key_with_another_body_is_refused()
    {
        var supplier = await _buyer.SupplierAsync();
        var (warehouse, sku) = (_buyer.Warehouse(), _buyer.Sku());
        var key = Guid.NewGuid().ToString();

        var first = await _buyer.CreateOrderAsync(supplier.Id, warehouse, [new { sku, quantity = 1m, unitPrice = 1m }], key);
        var other = await _buyer.CreateOrderAsync(supplier.Id, warehouse, [new { sku, quantity = 2m, unitPrice = 1m }], key);

        first.StatusCode.ShouldBe(HttpStatusCode.Created);
        other.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task A_draft_is_edited_with_if_match_and_frozen_once_approved()
    {
        var supplier = await _buyer.SupplierAsync();
        var (a, b) = (_buyer.Sku(), _buyer.Sku());
        var draft = await _buyer.DraftAsync(supplier.Id, _buyer.Warehouse(), new { sku = a, quantity = 5m, unitPrice = 10m });
        var otherWarehouse = _buyer.Warehouse();
        var change = new { warehouse = otherWarehouse, reference = "Quote 42", expectedDate = "2030-01-15", lines = new[] { new { sku = b, quantity = 7m, unitPrice = 3m } } };

        var missing = await _buyer.PutAsync($"/api/procurement/purchase-orders/{draft.Id}", change, null);
        var changed = await _buyer.PutAsync($"/api/procurement/purchase-orders/{draft.Id}", change, draft.Version);
        var stale = await _buyer.PutAsync($"/api/procurement/purchase-orders/{draft.Id}", change, draft.Version);

        missing.StatusCode.ShouldBe(HttpStatusCode.PreconditionRequired);
        var edited = await changed.ReadAsync<PurchaseOrderDto>();
        (edited.Warehouse, edited.Reference, edited.ExpectedDate, edited.Total, edited.Version).ShouldBe((otherWarehouse, "Quote 42", new DateOnly(2030, 1, 15), 21m, 2L));
        edited.Lines.ShouldHaveSingleItem().Sku.ShouldBe(b);
        stale.StatusCode.ShouldBe(HttpStatusCode.PreconditionFailed);

        var approved = await (await _buyer.PostAsync($"/api/procurement/purchase-orders/{draft.Id}/approve", ifMatch: edited.Version)).ReadAsync<PurchaseOrderDto>();
        var frozen = await _buyer.PutAsync($"/api/procurement/purchase-orders/{draft.Id}", change, approved.Version);

        approved.Status.ShouldBe(PurchaseOrderStatus.Approved);
        frozen.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await frozen.ProblemAsync()).GetProperty("detail").GetString()!.ShouldContain("only a Draft can be changed");
        var published = (await factory.PublishedAsync<PurchaseOrderApproved>()).Single(e => e.PurchaseOrderId == draft.Id);
        (published.Number, published.Warehouse, published.SupplierId, published.Currency).ShouldBe((draft.Number, otherWarehouse, supplier.Id, "VND"));
        published.Lines.ShouldBe([new Contracts.PurchaseOrderLine(1, b, 7m, 3m)]);
    }

    [Fact]
    public async Task The_lifecycle_allows_only_its_transitions_and_records_who_when_and_why()
    {
        var sku = _buyer.Sku();
        var order = await _buyer.ApprovedAsync((sku, 10m, 5m));

        var approveAgain = await _buyer.PostAsync($"/api/procurement/purchase-orders/{order.Id}/approve");
        var closeApproved = await _buyer.PostAsync($"/api/procurement/purchase-orders/{order.Id}/close", new { });
        await _buyer.ReceivedAsync(order.Id, (1, 4m));
        var cancelPartial = await _buyer.PostAsync($"/api/procurement/purchase-orders/{order.Id}/cancel", new { reason = "Too late" });
        var closeWithoutReason = await _buyer.PostAsync($"/api/procurement/purchase-orders/{order.Id}/close", new { });
        var staleClose = await _buyer.PostAsync($"/api/procurement/purchase-orders/{order.Id}/close", new { reason = "Supplier out of stock" }, ifMatch: order.Version);
        var current = await _buyer.OrderAsync(order.Id);
        var shortClosed = await _buyer.PostAsync($"/api/procurement/purchase-orders/{order.Id}/close", new { reason = "Supplier out of stock" }, ifMatch: current.Version);
        var cancelClosed = await _buyer.PostAsync($"/api/procurement/purchase-orders/{order.Id}/cancel", new { reason = "No" });

        approveAgain.StatusCode.ShouldBe(HttpStatusCode.OK);
        closeApproved.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await closeApproved.ProblemAsync()).GetProperty("detail").GetString()!.ShouldContain("Cancel it instead");
        cancelPartial.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await cancelPartial.ProblemAsync()).GetProperty("detail").GetString()!.ShouldContain("Close it instead");
        closeWithoutReason.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        staleClose.StatusCode.ShouldBe(HttpStatusCode.PreconditionFailed);
        var closed = await shortClosed.ReadAsync<PurchaseOrderDto>();
        closed.Status.ShouldBe(PurchaseOrderStatus.Closed);
        closed.History.Select(h => (h.Status, h.By, h.Reason)).ShouldBe([
            (PurchaseOrderStatus.Draft, "tester", null),
            (PurchaseOrderStatus.Approved, "tester", null),
            (PurchaseOrderStatus.PartiallyReceived, "tester", closed.History[2].Reason),
            (PurchaseOrderStatus.Closed, "tester", "Supplier out of stock"),
        ]);
        closed.History[2].Reason!.ShouldStartWith("Goods receipt GR-");
        cancelClosed.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await factory.PublishedAsync<PurchaseOrderClosed>()).Count(e => e.PurchaseOrderId == order.Id).ShouldBe(1);
        (await factory.PublishedAsync<PurchaseOrderApproved>()).Count(e => e.PurchaseOrderId == order.Id).ShouldBe(1);
    }

    [Fact]
    public async Task Cancelling_an_approved_order_is_announced_and_cancelling_a_draft_is_not()
    {
        var supplier = await _buyer.SupplierAsync();
        var sku = _buyer.Sku();
        var draft = await _buyer.DraftAsync(supplier.Id, _buyer.Warehouse(), new { sku, quantity = 1m, unitPrice = 1m });
        var approved = await _buyer.ApprovedAsync((sku, 2m, 2m));

        var withoutReason = await _buyer.PostAsync($"/api/procurement/purchase-orders/{draft.Id}/cancel", new { reason = "" });
        var draftCancelled = await _buyer.PostAsync($"/api/procurement/purchase-orders/{draft.Id}/cancel", new { reason = "Ordered twice" });
        var approvedCancelled = await _buyer.PostAsync($"/api/procurement/purchase-orders/{approved.Id}/cancel", new { reason = "Supplier went bust" });
        var approveCancelled = await _buyer.PostAsync($"/api/procurement/purchase-orders/{draft.Id}/approve");
        var receiveCancelled = await _buyer.ReceiveAsync(approved.Id, [new { lineNo = 1, acceptedQuantity = 1m }]);

        (await withoutReason.ProblemAsync()).ErrorFields().ShouldBe(["reason"]);
        (await draftCancelled.ReadAsync<PurchaseOrderDto>()).Status.ShouldBe(PurchaseOrderStatus.Cancelled);
        (await approvedCancelled.ReadAsync<PurchaseOrderDto>()).History.Last().Reason.ShouldBe("Supplier went bust");
        approveCancelled.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        receiveCancelled.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        var cancelled = await factory.PublishedAsync<PurchaseOrderCancelled>();
        cancelled.ShouldContain(e => e.PurchaseOrderId == approved.Id && e.Reason == "Supplier went bust");
        cancelled.ShouldNotContain(e => e.PurchaseOrderId == draft.Id);
    }

    [Fact]
    public async Task The_list_filters_by_status_supplier_warehouse_and_sku_and_pages_newest_first()
    {
        var buyer = new Buyer(factory, "po-list-" + Guid.NewGuid().ToString("N")[..6]);
        var supplier = await buyer.SupplierAsync();
        var (warehouse, sku, other) = (buyer.Warehouse(), buyer.Sku(), buyer.Sku());
        var drafts = new List<PurchaseOrderDto>();
        for (var i = 0; i < 4; i++)
            drafts.Add(await buyer.DraftAsync(supplier.Id, warehouse, new { sku = i == 0 ? other : sku, quantity = 1m, unitPrice = 1m }));
        await buyer.PostAsync($"/api/procurement/purchase-orders/{drafts[1].Id}/approve");
        var elsewhere = await buyer.ApprovedAsync((sku, 1m, 1m));

        var approved = await buyer.PageAsync<PurchaseOrderSummaryDto>("/api/procurement/purchase-orders?status=Approved");
        var twoStatuses = await buyer.PageAsync<PurchaseOrderSummaryDto>($"/api/procurement/purchase-orders?status=draft,approved&supplierId={supplier.Id}&pageSize=2&page=2");
        var bySku = await buyer.PageAsync<PurchaseOrderSummaryDto>($"/api/procurement/purchase-orders?sku={other}");
        var byWarehouse = await buyer.PageAsync<PurchaseOrderSummaryDto>($"/api/procurement/purchase-orders?warehouse={elsewhere.Warehouse.ToLowerInvariant()}");
        var byNumber = await buyer.PageAsync<PurchaseOrderSummaryDto>($"/api/procurement/purchase-orders?search={drafts[2].Number}");
        var badStatus = await buyer.Client.GetAsync("/api/procurement/purchase-orders?status=Shipped");

        approved.Items.Select(o => o.Id).ShouldBe([elsewhere.Id, drafts[1].Id]);
        twoStatuses.Total.ShouldBe(4);
        twoStatuses.Items.Select(o => o.Id).ShouldBe([drafts[1].Id, drafts[0].Id]);
        bySku.Items.ShouldHaveSingleItem().Id.ShouldBe(drafts[0].Id);
        byWarehouse.Items.ShouldHaveSingleItem().ShouldSatisfyAllConditions(o => o.Id.ShouldBe(elsewhere.Id), o => o.LineCount.ShouldBe(1));
        byNumber.Items.ShouldHaveSingleItem().Id.ShouldBe(drafts[2].Id);
        (await badStatus.ProblemAsync()).ErrorFields().ShouldBe(["status"]);
    }

    [Fact]
    public async Task Another_tenants_purchase_order_is_not_found_and_a_dead_inventory_answers_503()
    {
        var order = await _buyer.ApprovedAsync((_buyer.Sku(), 1m, 1m));
        var other = new Buyer(factory, "umbrella");

        (await other.Client.GetAsync($"/api/procurement/purchase-orders/{order.Id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await other.PostAsync($"/api/procurement/purchase-orders/{order.Id}/cancel", new { reason = "Not mine" })).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await other.ReceiveAsync(order.Id, [new { lineNo = 1, acceptedQuantity = 1m }])).StatusCode.ShouldBe(HttpStatusCode.NotFound);

        var supplier = await _buyer.SupplierAsync();
        factory.Inventory.Down = true;
        try
        {
            var response = await _buyer.CreateOrderAsync(supplier.Id, "ANY", [new { sku = _buyer.Sku(), quantity = 1m, unitPrice = 1m }]);
            response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
            (await response.ProblemAsync()).GetProperty("title").GetString().ShouldBe("Inventory is unavailable");
        }
        finally
        {
            factory.Inventory.Down = false;
        }
    }
}
