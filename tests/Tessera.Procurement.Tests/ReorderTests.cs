using System.Net;
using Tessera.Inventory.Contracts;
using Tessera.Procurement.Contracts;
using Tessera.Testing;

namespace Tessera.Procurement.Tests;

public sealed class ReorderTests(ProcurementFactory factory) : IClassFixture<ProcurementFactory>
{
    private async Task<Guid> Below(Buyer buyer, string sku, string warehouse, decimal available, decimal point, decimal quantity, Guid? messageId = null)
    {
        var id = await factory.DeliverAsync("inventory", buyer.Tenant, $"{sku}@{warehouse}",
            new StockBelowReorderPoint(sku, warehouse, available, point, quantity, DateTimeOffset.UtcNow), messageId);
        await factory.WaitForInboxAsync();
        return id;
    }

    private static Task<PagedResult> Suggestions(Buyer buyer, string query = "") =>
        buyer.PageAsync<ReorderSuggestionDto>("/api/procurement/reorder-suggestions?" + query).ContinueWith(t => new PagedResult(t.Result.Items, t.Result.Total));

    private sealed record PagedResult(IReadOnlyList<ReorderSuggestionDto> Items, int Total);

    private static Buyer NewTenant(ProcurementFactory factory) => new(factory, "reorder-" + Guid.NewGuid().ToString("N")[..6]);

    [Fact]
    public async Task Skus_below_their_reorder_point_are_gathered_into_one_draft_per_supplier_and_warehouse_from_the_preferred_price()
    {
        var buyer = NewTenant(factory);
        var (cheap, preferred) = (await buyer.SupplierAsync("CHEAP"), await buyer.SupplierAsync("PREFERRED"));
        var (tea, rice) = (buyer.Sku(), buyer.Sku());
        await buyer.PricesAsync(cheap.Id, new { sku = tea, unitPrice = 80m }, new { sku = rice, unitPrice = 10m });
        await buyer.PricesAsync(preferred.Id, new { sku = tea, unitPrice = 100m, preferred = true }, new { sku = tea, unitPrice = 95m, minQuantity = 40m, preferred = false },
            new { sku = rice, unitPrice = 12m, validTo = "2001-01-01", preferred = true });

        await Below(buyer, tea, "HCM", available: 3m, point: 20m, quantity: 10m);
        await Below(buyer, rice, "HCM", available: 0m, point: 5m, quantity: 50m);
        await Below(buyer, tea, "HN", available: 1m, point: 50m, quantity: 10m);

        var suggestions = (await Suggestions(buyer)).Items;
        suggestions.Select(s => (s.Sku, s.Warehouse, s.SuggestedQuantity, s.Status, s.SupplierName, s.UnitPrice)).ShouldBe([
            (tea, "HN", 49m, ReorderSuggestionStatus.Open, preferred.Name, 95m),
            (rice, "HCM", 50m, ReorderSuggestionStatus.Open, cheap.Name, 10m),
            (tea, "HCM", 17m, ReorderSuggestionStatus.Open, preferred.Name, 100m),
        ], ignoreOrder: true);
        var drafts = await buyer.PageAsync<PurchaseOrderSummaryDto>("/api/procurement/purchase-orders?origin=reorder&status=Draft");
        drafts.Total.ShouldBe(3);
        var hcmPreferred = await buyer.OrderAsync(suggestions.Single(s => s.Sku == tea && s.Warehouse == "HCM").PurchaseOrderId!.Value);
        (hcmPreferred.SupplierId, hcmPreferred.Warehouse, hcmPreferred.Origin).ShouldBe((preferred.Id, "HCM", "reorder"));
        hcmPreferred.Lines.Select(l => (l.Sku, l.Quantity, l.UnitPrice)).ShouldBe([(tea, 17m, 100m)]);
        hcmPreferred.History.ShouldHaveSingleItem().By.ShouldBe("reorder");

        var another = buyer.Sku();
        await buyer.PricesAsync(cheap.Id, new { sku = another, unitPrice = 1m });
        await Below(buyer, another, "HCM", available: 0m, point: 1m, quantity: 0m);
        var cheapHcm = await buyer.OrderAsync(suggestions.Single(s => s.Sku == rice).PurchaseOrderId!.Value);
        cheapHcm.Lines.Select(l => (l.Sku, l.Quantity)).ShouldBe([(rice, 50m), (another, 1m)]);
    }

    [Fact]
    public async Task The_same_report_twice_and_a_newer_report_for_the_same_sku_never_order_twice()
    {
        var buyer = NewTenant(factory);
        var supplier = await buyer.SupplierAsync();
        var sku = buyer.Sku();
        await buyer.PricesAsync(supplier.Id, new { sku, unitPrice = 5m });

        var message = await Below(buyer, sku, "DN", available: 2m, point: 10m, quantity: 5m);
        await Below(buyer, sku, "DN", available: 2m, point: 10m, quantity: 5m, messageId: message);
        var once = (await Suggestions(buyer)).Items.ShouldHaveSingleItem();
        (await buyer.OrderAsync(once.PurchaseOrderId!.Value)).Lines.ShouldHaveSingleItem().Quantity.ShouldBe(8m);

        await Below(buyer, sku, "DN", available: -4m, point: 10m, quantity: 5m);
        var updated = (await Suggestions(buyer)).Items.ShouldHaveSingleItem();
        (updated.Id, updated.SuggestedQuantity, updated.Available).ShouldBe((once.Id, 14m, -4m));
        (await buyer.OrderAsync(once.PurchaseOrderId!.Value)).Lines.ShouldHaveSingleItem().Quantity.ShouldBe(14m);
    }

    [Fact]
    public async Task A_sku_no_supplier_sells_is_a_no_supplier_suggestion_until_one_does()
    {
        var buyer = NewTenant(factory);
        var sku = buyer.Sku();
        var inactive = await buyer.SupplierAsync(active: false);
        await buyer.PricesAsync(inactive.Id, new { sku, unitPrice = 1m });

        await Below(buyer, sku, "HCM", available: 0m, point: 10m, quantity: 30m);
        var orphan = (await Suggestions(buyer, "status=NoSupplier")).Items.ShouldHaveSingleItem();
        (orphan.Sku, orphan.SuggestedQuantity, orphan.SupplierId, orphan.PurchaseOrderId).ShouldBe((sku, 30m, null, null));
        (await buyer.PageAsync<PurchaseOrderSummaryDto>("/api/procurement/purchase-orders")).Total.ShouldBe(0);

        var supplier = await buyer.SupplierAsync();
        await buyer.PricesAsync(supplier.Id, new { sku, unitPrice = 2m });
        await Below(buyer, sku, "HCM", available: 0m, point: 10m, quantity: 30m);
        var placed = (await Suggestions(buyer)).Items.ShouldHaveSingleItem();
        (placed.Id, placed.Status, placed.SupplierId).ShouldBe((orphan.Id, ReorderSuggestionStatus.Open, supplier.Id));
    }

    [Fact]
    public async Task Dismissing_takes_the_sku_off_its_draft_and_an_approved_draft_orders_its_suggestions()
    {
        var buyer = NewTenant(factory);
        var supplier = await buyer.SupplierAsync();
        var (a, b, c) = (buyer.Sku(), buyer.Sku(), buyer.Sku());
        await buyer.PricesAsync(supplier.Id, new { sku = a, unitPrice = 1m }, new { sku = b, unitPrice = 1m }, new { sku = c, unitPrice = 1m });
        await Below(buyer, a, "HCM", 0m, 10m, 10m);
        await Below(buyer, b, "HCM", 0m, 10m, 10m);
        var suggestions = (await Suggestions(buyer)).Items;
        var orderId = suggestions[0].PurchaseOrderId!.Value;

        var dismissed = await buyer.PostAsync($"/api/procurement/reorder-suggestions/{suggestions.Single(s => s.Sku == a).Id}/dismiss", new { reason = "Discontinued" });
        var viewer = await new Buyer(factory, buyer.Tenant, "viewer").PostAsync($"/api/procurement/reorder-suggestions/{suggestions.Single(s => s.Sku == b).Id}/dismiss", new { });

        (await dismissed.ReadAsync<ReorderSuggestionDto>()).ShouldSatisfyAllConditions(
            s => s.Status.ShouldBe(ReorderSuggestionStatus.Dismissed), s => s.DismissReason.ShouldBe("Discontinued"));
        viewer.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        var draft = await buyer.OrderAsync(orderId);
        draft.Lines.ShouldHaveSingleItem().Sku.ShouldBe(b);
        await buyer.PostAsync($"/api/procurement/purchase-orders/{orderId}/approve");
        (await Suggestions(buyer, $"sku={b}")).Items.ShouldHaveSingleItem().Status.ShouldBe(ReorderSuggestionStatus.Ordered);
        (await buyer.PostAsync($"/api/procurement/reorder-suggestions/{suggestions.Single(s => s.Sku == b).Id}/dismiss", new { })).StatusCode.ShouldBe(HttpStatusCode.Conflict);

        // A new dip after the order was approved starts a new draft rather than touching the approved one.
        await Below(buyer, c, "HCM", 0m, 10m, 10m);
        var fresh = (await Suggestions(buyer, $"sku={c}")).Items.ShouldHaveSingleItem();
        fresh.PurchaseOrderId.ShouldNotBe(orderId);
        await buyer.PostAsync($"/api/procurement/reorder-suggestions/{fresh.Id}/dismiss", new { reason = "Enough" });
        var emptied = await buyer.OrderAsync(fresh.PurchaseOrderId!.Value);
        (emptied.Status, emptied.History.Last().Reason).ShouldBe((PurchaseOrderStatus.Cancelled, "Every reorder suggestion on it was dismissed"));
    }

    [Fact]
    public async Task Removing_a_suggested_line_from_the_draft_dismisses_its_suggestion_and_cancelling_dismisses_the_rest()
    {
        var buyer = NewTenant(factory);
        var supplier = await buyer.SupplierAsync();
        var (a, b) = (buyer.Sku(), buyer.Sku());
        await buyer.PricesAsync(supplier.Id, new { sku = a, unitPrice = 1m }, new { sku = b, unitPrice = 1m });
        factory.Inventory.Warehouses["HCM"] = "Ho Chi Minh City";
        await Below(buyer, a, "HCM", 0m, 10m, 10m);
        await Below(buyer, b, "HCM", 0m, 10m, 10m);
        var orderId = (await Suggestions(buyer)).Items[0].PurchaseOrderId!.Value;
        var draft = await buyer.OrderAsync(orderId);

        (await buyer.PutAsync($"/api/procurement/purchase-orders/{orderId}", new { warehouse = "HCM", lines = new[] { new { sku = b, quantity = 12m, unitPrice = 1m } } }, draft.Version))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        (await Suggestions(buyer, $"sku={a}")).Items.ShouldHaveSingleItem().Status.ShouldBe(ReorderSuggestionStatus.Dismissed);
        (await buyer.PostAsync($"/api/procurement/purchase-orders/{orderId}/cancel", new { reason = "Stock transferred instead" })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await Suggestions(buyer, $"sku={b}")).Items.ShouldHaveSingleItem().DismissReason.ShouldBe($"Purchase order {draft.Number} was cancelled");
    }
}
