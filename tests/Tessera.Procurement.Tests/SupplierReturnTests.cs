using System.Net;
using Tessera.Inventory.Contracts;
using Tessera.Procurement.Contracts;
using Tessera.Testing;

namespace Tessera.Procurement.Tests;

public sealed class SupplierReturnTests(ProcurementFactory factory) : IClassFixture<ProcurementFactory>
{
    private readonly Buyer _buyer = new(factory);

    private async Task<(PurchaseOrderDto Order, GoodsReceiptDto Receipt, string Sku)> ReceivedAsync(decimal quantity = 10m, decimal price = 50m)
    {
        var sku = _buyer.Sku();
        var order = await _buyer.ApprovedAsync((sku, quantity, price));
        return (order, await _buyer.ReceivedAsync(order.Id, (1, quantity)), sku);
    }

    private Task<HttpResponseMessage> CreateAsync(object body, string? key = null) => _buyer.Client.PostJsonAsync("/api/procurement/supplier-returns", body, key);

    private async Task<SupplierReturnDto> ReturnAsync(Guid id) => await _buyer.GetAsync<SupplierReturnDto>($"/api/procurement/supplier-returns/{id}");

    [Fact]
    public async Task A_return_from_a_receipt_is_shipped_and_completed_when_inventory_issues_it()
    {
        var (order, receipt, sku) = await ReceivedAsync();

        var draft = await (await CreateAsync(new { receiptId = receipt.Id, reason = "Damaged in transit", lines = new[] { new { sku, quantity = 4m } } }))
            .ReadAsync<SupplierReturnDto>();
        var shipped = await (await _buyer.PostAsync($"/api/procurement/supplier-returns/{draft.Id}/ship", ifMatch: draft.Version)).ReadAsync<SupplierReturnDto>();
        await factory.DeliverAsync("inventory", _buyer.Tenant, order.Id.ToString(), new StockIssued("supplier-return-out", "supplier-return", draft.Id.ToString(),
            order.Warehouse, null, [new MovedLine(sku, 4m, 48m, 192m)], DateTimeOffset.UtcNow));
        await factory.WaitForInboxAsync();
        var completed = await ReturnAsync(draft.Id);

        (draft.Status, draft.Warehouse, draft.PurchaseOrderNumber, draft.ReceiptNumber, draft.Total).ShouldBe((SupplierReturnStatus.Draft, order.Warehouse, order.Number, receipt.Number, 200m));
        draft.Number.ShouldStartWith("SR-");
        draft.Lines.ShouldBe([new SupplierReturnLineDto(1, sku, 4m, 50m, 200m)]);
        shipped.Status.ShouldBe(SupplierReturnStatus.Shipped);
        completed.Status.ShouldBe(SupplierReturnStatus.Completed);
        completed.SettledAt.ShouldNotBeNull();
        var published = (await factory.PublishedAsync<SupplierReturnShipped>()).Single(e => e.ReturnId == draft.Id);
        (published.Number, published.PurchaseOrderId, published.Warehouse, published.Currency, published.Reason, published.SupplierId)
            .ShouldBe((draft.Number, order.Id, order.Warehouse, "VND", "Damaged in transit", order.SupplierId));
        published.Lines.ShouldBe([new Contracts.SupplierReturnLine(sku, 4m, 50m)]);
        var onOrder = await _buyer.OrderAsync(order.Id);
        (onOrder.Status, onOrder.Lines[0].ReceivedQuantity, onOrder.Lines[0].ReturnedQuantity).ShouldBe((PurchaseOrderStatus.Received, 10m, 4m));
        (await _buyer.GetAsync<GoodsReceiptDto>($"/api/procurement/receipts/{receipt.Id}")).Lines[0].ReturnedQuantity.ShouldBe(4m);
    }

    [Fact]
    public async Task Returns_created_at_once_never_take_more_than_was_received_between_them()
    {
        var (_, receipt, sku) = await ReceivedAsync(quantity: 10m);

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            CreateAsync(new { receiptId = receipt.Id, reason = "Recalled", lines = new[] { new { sku, quantity = 3m } } })));

        responses.Count(r => r.StatusCode == HttpStatusCode.Created).ShouldBe(3, "three returns of 3 fit in the 10 received");
        responses.Count(r => r.StatusCode == HttpStatusCode.BadRequest).ShouldBe(5);
        (await _buyer.GetAsync<GoodsReceiptDto>($"/api/procurement/receipts/{receipt.Id}")).Lines[0].ReturnedQuantity.ShouldBe(9m);
        var numbers = new List<string>();
        foreach (var created in responses.Where(r => r.StatusCode == HttpStatusCode.Created))
            numbers.Add((await created.ReadAsync<SupplierReturnDto>()).Number);
        numbers.Distinct().Count().ShouldBe(3);
    }

    [Fact]
    public async Task A_return_cannot_take_more_than_was_received_and_not_yet_returned()
    {
        var (order, receipt, sku) = await ReceivedAsync(quantity: 10m);
        var first = await CreateAsync(new { receiptId = receipt.Id, reason = "Expired", lines = new[] { new { sku, quantity = 7m } } });

        var tooMuch = await CreateAsync(new { receiptId = receipt.Id, reason = "Expired", lines = new[] { new { sku, quantity = 4m } } });
        var otherSku = await CreateAsync(new { purchaseOrderId = order.Id, reason = "Wrong item", lines = new[] { new { sku = "NOT-ON-IT", quantity = 1m } } });
        var noScope = await CreateAsync(new { reason = "Whatever", lines = new[] { new { sku, quantity = 1m } } });
        var rest = await CreateAsync(new { purchaseOrderId = order.Id, reason = "Expired", lines = new[] { new { sku, quantity = 3m } } });

        first.StatusCode.ShouldBe(HttpStatusCode.Created);
        var problem = await tooMuch.ProblemAsync();
        problem.ErrorFields().ShouldBe(["lines[0].quantity"]);
        problem.GetProperty("errors").GetProperty("lines[0].quantity")[0].GetString()
            .ShouldBe($"Only 3 of {sku} was accepted on receipt {receipt.Number} and not yet returned; 4 cannot go back.");
        (await otherSku.ProblemAsync()).ErrorFields().ShouldBe(["lines[0].quantity"]);
        (await noScope.ProblemAsync()).ErrorFields().ShouldBe(["supplierId", "warehouse"], ignoreOrder: true);
        rest.StatusCode.ShouldBe(HttpStatusCode.Created);
        (await rest.ReadAsync<SupplierReturnDto>()).Number.ShouldBe(FollowingNumber((await first.ReadAsync<SupplierReturnDto>()).Number));
    }

    [Fact]
    public async Task When_inventory_cannot_issue_the_goods_the_return_is_refused_and_its_quantities_count_as_not_returned()
    {
        var (order, receipt, sku) = await ReceivedAsync(quantity: 5m);
        var draft = await (await CreateAsync(new { receiptId = receipt.Id, reason = "Faulty", lines = new[] { new { sku, quantity = 5m } } })).ReadAsync<SupplierReturnDto>();
        await _buyer.PostAsync($"/api/procurement/supplier-returns/{draft.Id}/ship");

        var failed = new StockIssueFailed("supplier-return-out", "supplier-return", draft.Id.ToString(), order.Warehouse, [new ShortLine(sku, 5m, 2m)],
            "Not enough stock and negative stock is forbidden");
        var message = await factory.DeliverAsync("inventory", _buyer.Tenant, order.Id.ToString(), failed);
        await factory.DeliverAsync("inventory", _buyer.Tenant, order.Id.ToString(), failed, message);
        await factory.DeliverAsync("inventory", _buyer.Tenant, order.Id.ToString(), failed);
        await factory.WaitForInboxAsync();
        var refused = await ReturnAsync(draft.Id);

        refused.Status.ShouldBe(SupplierReturnStatus.Refused);
        refused.RefusalReason.ShouldBe($"Not enough stock and negative stock is forbidden: {sku} (to return 5, in stock 2)");
        (await _buyer.OrderAsync(order.Id)).Lines[0].ReturnedQuantity.ShouldBe(0m);
        (await _buyer.GetAsync<GoodsReceiptDto>($"/api/procurement/receipts/{receipt.Id}")).Lines[0].ReturnedQuantity.ShouldBe(0m);
        var again = await CreateAsync(new { receiptId = receipt.Id, reason = "Faulty, second try", lines = new[] { new { sku, quantity = 5m } } });
        again.StatusCode.ShouldBe(HttpStatusCode.Created);
        var listed = await _buyer.PageAsync<SupplierReturnDto>($"/api/procurement/supplier-returns?receiptId={receipt.Id}&status=Refused");
        listed.Items.ShouldHaveSingleItem().Id.ShouldBe(draft.Id);
    }

    [Fact]
    public async Task A_draft_can_be_cancelled_but_a_shipped_return_cannot_and_answers_for_other_issues_are_ignored()
    {
        var (order, receipt, sku) = await ReceivedAsync(quantity: 6m);
        var cancelled = await (await CreateAsync(new { receiptId = receipt.Id, reason = "Changed mind", lines = new[] { new { sku, quantity = 6m } } })).ReadAsync<SupplierReturnDto>();
        var cancel = await _buyer.PostAsync($"/api/procurement/supplier-returns/{cancelled.Id}/cancel");
        var shipCancelled = await _buyer.PostAsync($"/api/procurement/supplier-returns/{cancelled.Id}/ship");
        var shipped = await (await CreateAsync(new { supplierId = order.SupplierId, warehouse = order.Warehouse.ToLowerInvariant(), reason = "Overstock",
            lines = new[] { new { sku, quantity = 6m } } })).ReadAsync<SupplierReturnDto>();
        await _buyer.PostAsync($"/api/procurement/supplier-returns/{shipped.Id}/ship");
        var cancelShipped = await _buyer.PostAsync($"/api/procurement/supplier-returns/{shipped.Id}/cancel");

        await factory.DeliverAsync("inventory", _buyer.Tenant, "x", new StockIssued("sales-out", "shipment", shipped.Id.ToString(), order.Warehouse, Guid.NewGuid(), [], DateTimeOffset.UtcNow));
        await factory.DeliverAsync("inventory", _buyer.Tenant, "y", new StockIssued("supplier-return-out", "supplier-return", Guid.NewGuid().ToString(), order.Warehouse, null, [], DateTimeOffset.UtcNow));
        await factory.WaitForInboxAsync();

        (await cancel.ReadAsync<SupplierReturnDto>()).Status.ShouldBe(SupplierReturnStatus.Cancelled);
        shipCancelled.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (shipped.PurchaseOrderId, shipped.ReceiptId).ShouldBe((null, null));
        shipped.Lines.ShouldHaveSingleItem().Quantity.ShouldBe(6m);
        cancelShipped.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await ReturnAsync(shipped.Id)).Status.ShouldBe(SupplierReturnStatus.Shipped);
        (await factory.PublishedAsync<SupplierReturnShipped>()).Single(e => e.ReturnId == shipped.Id).PurchaseOrderId.ShouldBeNull();
    }

    [Fact]
    public async Task A_return_by_supplier_takes_the_newest_receipts_first_at_their_prices()
    {
        var supplier = await _buyer.SupplierAsync();
        var (sku, warehouse) = (_buyer.Sku(), _buyer.Warehouse());
        async Task<GoodsReceiptDto> Buy(decimal price)
        {
            var draft = await _buyer.DraftAsync(supplier.Id, warehouse, new { sku, quantity = 10m, unitPrice = price });
            await _buyer.PostAsync($"/api/procurement/purchase-orders/{draft.Id}/approve");
            return await _buyer.ReceivedAsync(draft.Id, (1, 10m));
        }
        var older = await Buy(100m);
        var newer = await Buy(130m);

        var created = await (await CreateAsync(new { supplierId = supplier.Id, warehouse, reason = "Recall", lines = new[] { new { sku, quantity = 12m } } }))
            .ReadAsync<SupplierReturnDto>();

        created.Lines.ShouldHaveSingleItem().UnitPrice.ShouldBe(125m);
        created.Total.ShouldBe(1500m);
        (await _buyer.GetAsync<GoodsReceiptDto>($"/api/procurement/receipts/{newer.Id}")).Lines[0].ReturnedQuantity.ShouldBe(10m);
        (await _buyer.GetAsync<GoodsReceiptDto>($"/api/procurement/receipts/{older.Id}")).Lines[0].ReturnedQuantity.ShouldBe(2m);
    }

    private static string FollowingNumber(string number) => $"SR-{long.Parse(number[3..]) + 1:D6}";
}
