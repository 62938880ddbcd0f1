using System.Net;
using Tessera.Inventory.Contracts;
using Tessera.Procurement.Contracts;
using Tessera.Testing;

namespace Tessera.Procurement.Tests;

public sealed class ReceiptTests(ProcurementFactory factory) : IClassFixture<ProcurementFactory>
{
    private readonly Buyer _buyer = new(factory);

    [Fact]
    public async Task A_partial_receipt_then_the_rest_move_the_order_to_PartiallyReceived_then_Received()
    {
        var (tea, rice) = (_buyer.Sku(), _buyer.Sku());
        var order = await _buyer.ApprovedAsync((tea, 10m, 12_500m), (rice, 4m, 30_000m));

        var first = await _buyer.ReceivedAsync(order.Id, (1, 6m));
        var partly = await _buyer.OrderAsync(order.Id);
        var second = await _buyer.ReceivedAsync(order.Id, (1, 4m), (2, 4m));
        var received = await _buyer.OrderAsync(order.Id);

        partly.Status.ShouldBe(PurchaseOrderStatus.PartiallyReceived);
        partly.Lines.Select(l => (l.ReceivedQuantity, l.OutstandingQuantity)).ShouldBe([(6m, 4m), (0m, 4m)]);
        received.Status.ShouldBe(PurchaseOrderStatus.Received);
        received.Lines.ShouldAllBe(l => l.OutstandingQuantity == 0);
        (first.Number, first.PurchaseOrderNumber, first.Warehouse, first.Posting).ShouldBe((first.Number, order.Number, order.Warehouse, ReceiptPostingStatus.Pending));
        first.Number.ShouldStartWith("GR-");

        var events = (await factory.PublishedAsync<GoodsReceived>()).Where(e => e.PurchaseOrderId == order.Id).ToList();
        events.Select(e => e.ReceiptId).ShouldBe([first.Id, second.Id]);
        events[0].Lines.ShouldBe([new ReceivedLine(1, tea, 6m, 0m, 12_500m)]);
        events[1].Lines.ShouldBe([new ReceivedLine(1, tea, 4m, 0m, 12_500m), new ReceivedLine(2, rice, 4m, 0m, 30_000m)]);
        (events[1].Number, events[1].PurchaseOrderNumber, events[1].Warehouse, events[1].Currency, events[1].SupplierId)
            .ShouldBe((second.Number, order.Number, order.Warehouse, "VND", order.SupplierId));
    }

    [Fact]
    public async Task Receiving_more_than_ordered_is_refused_naming_the_line_and_its_numbers()
    {
        var sku = _buyer.Sku();
        var order = await _buyer.ApprovedAsync((_buyer.Sku(), 5m, 1m), (sku, 10m, 1m));
        await _buyer.ReceivedAsync(order.Id, (2, 8m));

        var response = await _buyer.ReceiveAsync(order.Id, [new { lineNo = 1, acceptedQuantity = 5m }, new { lineNo = 2, acceptedQuantity = 3m }]);

        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        var problem = await response.ProblemAsync();
        problem.ErrorFields().ShouldBe(["lines[1].acceptedQuantity"]);
        problem.GetProperty("errors").GetProperty("lines[1].acceptedQuantity")[0].GetString()
            .ShouldBe($"Line 2 ({sku}): ordered 10, already received 8; receiving 3 more would make 11, over the 10 allowed (over-receipt tolerance 0 %).");
        var over = problem.GetProperty("overReceipts")[0];
        (over.GetProperty("lineNo").GetInt32(), over.GetProperty("ordered").GetDecimal(), over.GetProperty("allowed").GetDecimal()).ShouldBe((2, 10m, 10m));
        var after = await _buyer.OrderAsync(order.Id);
        after.Lines.Select(l => l.ReceivedQuantity).ShouldBe([0m, 8m]);
        (await factory.PublishedAsync<GoodsReceived>()).Count(e => e.PurchaseOrderId == order.Id).ShouldBe(1);
    }

    [Fact]
    public async Task The_tenants_tolerance_lets_a_line_receive_a_little_more_than_ordered()
    {
        var buyer = new Buyer(factory, "tolerant-" + Guid.NewGuid().ToString("N")[..6]);
        var settings = await buyer.GetAsync<ProcurementSettingsDto>("/api/procurement/settings");
        var purchasing = new Buyer(factory, buyer.Tenant, "purchasing");
        (await purchasing.PutAsync("/api/procurement/settings", new { overReceiptTolerancePercent = 10m }, null)).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await buyer.PutAsync("/api/procurement/settings", new { overReceiptTolerancePercent = 150m }, null)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await buyer.PutAsync("/api/procurement/settings", new { overReceiptTolerancePercent = 10m }, settings.Version)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var order = await buyer.ApprovedAsync((buyer.Sku(), 20m, 1m));

        var tooMuch = await buyer.ReceiveAsync(order.Id, [new { lineNo = 1, acceptedQuantity = 22.5m }]);
        var withinTolerance = await buyer.ReceiveAsync(order.Id, [new { lineNo = 1, acceptedQuantity = 22m }]);

        settings.OverReceiptTolerancePercent.ShouldBe(0m);
        (await tooMuch.ProblemAsync()).GetProperty("detail").GetString()!.ShouldContain("over the 22 allowed (over-receipt tolerance 10 %)");
        withinTolerance.StatusCode.ShouldBe(HttpStatusCode.Created);
        var received = await buyer.OrderAsync(order.Id);
        (received.Status, received.Lines[0].ReceivedQuantity, received.Lines[0].OutstandingQuantity).ShouldBe((PurchaseOrderStatus.Received, 22m, 0m));
    }

    [Fact]
    public async Task Rejected_quantities_are_recorded_with_their_reason_and_never_count_as_received()
    {
        var sku = _buyer.Sku();
        var order = await _buyer.ApprovedAsync((sku, 10m, 7m));

        var noReason = await _buyer.ReceiveAsync(order.Id, [new { lineNo = 1, acceptedQuantity = 7m, rejectedQuantity = 3m }]);
        var nothing = await _buyer.ReceiveAsync(order.Id, [new { lineNo = 1, acceptedQuantity = 0m }]);
        var mixed = await _buyer.ReceiveAsync(order.Id, [new { lineNo = 1, acceptedQuantity = 7m, rejectedQuantity = 3m, rejectionReason = "Crushed boxes" }]);
        var rejectedOnly = await _buyer.ReceiveAsync(order.Id, [new { lineNo = 1, rejectedQuantity = 5m, rejectionReason = "Wrong colour" }]);

        (await noReason.ProblemAsync()).ErrorFields().ShouldBe(["lines[0].rejectionReason"]);
        (await nothing.ProblemAsync()).ErrorFields().ShouldBe(["lines[0].acceptedQuantity"]);
        var receipt = await mixed.ReadAsync<GoodsReceiptDto>();
        receipt.Lines.ShouldHaveSingleItem().ShouldSatisfyAllConditions(
            l => l.AcceptedQuantity.ShouldBe(7m), l => l.RejectedQuantity.ShouldBe(3m), l => l.RejectionReason.ShouldBe("Crushed boxes"), l => l.UnitCost.ShouldBe(7m));
        var refused = await rejectedOnly.ReadAsync<GoodsReceiptDto>();
        refused.Posting.ShouldBe(ReceiptPostingStatus.NothingToPost);
        var after = await _buyer.OrderAsync(order.Id);
        (after.Status, after.Lines[0].ReceivedQuantity, after.Lines[0].RejectedQuantity, after.Lines[0].OutstandingQuantity)
            .ShouldBe((PurchaseOrderStatus.PartiallyReceived, 7m, 8m, 3m));
        var published = (await factory.PublishedAsync<GoodsReceived>()).Single(e => e.ReceiptId == refused.Id);
        published.Lines.ShouldBe([new ReceivedLine(1, sku, 0m, 5m, 7m)]);
    }

    [Fact]
    public async Task Receipts_are_refused_on_drafts_and_for_lines_the_order_does_not_have()
    {
        var supplier = await _buyer.SupplierAsync();
        var draft = await _buyer.DraftAsync(supplier.Id, _buyer.Warehouse(), new { sku = _buyer.Sku(), quantity = 1m, unitPrice = 1m });
        var approved = await _buyer.ApprovedAsync((_buyer.Sku(), 1m, 1m));

        var onDraft = await _buyer.ReceiveAsync(draft.Id, [new { lineNo = 1, acceptedQuantity = 1m }]);
        var unknownLine = await _buyer.ReceiveAsync(approved.Id, [new { lineNo = 1, acceptedQuantity = 1m }, new { lineNo = 9, acceptedQuantity = 1m }]);
        var twice = await _buyer.ReceiveAsync(approved.Id, [new { lineNo = 1, acceptedQuantity = 1m }, new { lineNo = 1, acceptedQuantity = 1m }]);
        var viewer = await new Buyer(factory, "acme", "viewer").ReceiveAsync(approved.Id, [new { lineNo = 1, acceptedQuantity = 1m }]);
        var warehouse = await new Buyer(factory, "acme", "warehouse").ReceiveAsync(approved.Id, [new { lineNo = 1, acceptedQuantity = 1m }]);

        onDraft.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await onDraft.ProblemAsync()).GetProperty("detail").GetString()!.ShouldContain("approve it before receiving");
        (await unknownLine.ProblemAsync()).ErrorFields().ShouldBe(["lines[1].lineNo"]);
        (await twice.ProblemAsync()).ErrorFields().ShouldBe(["lines"]);
        viewer.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        warehouse.StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_retried_receipt_with_the_same_key_receives_once()
    {
        var order = await _buyer.ApprovedAsync((_buyer.Sku(), 10m, 1m));
        var key = Guid.NewGuid().ToString();

        var first = await _buyer.ReceiveAsync(order.Id, [new { lineNo = 1, acceptedQuantity = 4m }], key);
        var again = await _buyer.ReceiveAsync(order.Id, [new { lineNo = 1, acceptedQuantity = 4m }], key);

        (await again.ReadAsync<GoodsReceiptDto>()).Id.ShouldBe((await first.ReadAsync<GoodsReceiptDto>()).Id);
        (await _buyer.OrderAsync(order.Id)).Lines[0].ReceivedQuantity.ShouldBe(4m);
        (await factory.PublishedAsync<GoodsReceived>()).Count(e => e.PurchaseOrderId == order.Id).ShouldBe(1);
    }

    [Fact]
    public async Task Inventorys_StockReceived_marks_the_receipt_posted_and_only_goods_receipts_count()
    {
        var sku = _buyer.Sku();
        var order = await _buyer.ApprovedAsync((sku, 10m, 2m));
        var receipt = await _buyer.ReceivedAsync(order.Id, (1, 10m));

        var lines = new List<ReceiptLineDto> { new(sku, 10m, 2m) };
        await factory.DeliverAsync("inventory", _buyer.Tenant, order.Id.ToString(), new StockReceived(receipt.Id, order.Warehouse, lines, "receipt"));
        await factory.WaitForInboxAsync();
        var stillPending = await _buyer.GetAsync<GoodsReceiptDto>($"/api/procurement/receipts/{receipt.Id}");
        var message = await factory.DeliverAsync("inventory", _buyer.Tenant, order.Id.ToString(), new StockReceived(receipt.Id, order.Warehouse, lines, "goods-receipt", order.Id));
        await factory.DeliverAsync("inventory", _buyer.Tenant, order.Id.ToString(), new StockReceived(receipt.Id, order.Warehouse, lines, "goods-receipt", order.Id), message);
        await factory.WaitForInboxAsync();
        var posted = await _buyer.GetAsync<GoodsReceiptDto>($"/api/procurement/receipts/{receipt.Id}");

        stillPending.Posting.ShouldBe(ReceiptPostingStatus.Pending);
        posted.Posting.ShouldBe(ReceiptPostingStatus.Posted);
        posted.PostedAt.ShouldNotBeNull();
        var pending = await _buyer.PageAsync<GoodsReceiptDto>($"/api/procurement/receipts?purchaseOrderId={order.Id}&posting=Pending");
        var listed = await _buyer.PageAsync<GoodsReceiptDto>($"/api/procurement/receipts?purchaseOrderId={order.Id}&posting=posted");
        pending.Items.ShouldBeEmpty();
        listed.Items.ShouldHaveSingleItem().Id.ShouldBe(receipt.Id);
    }

    [Fact]
    public async Task A_received_order_is_closed_and_announced_once()
    {
        var order = await _buyer.ApprovedAsync((_buyer.Sku(), 2m, 1m));
        await _buyer.ReceivedAsync(order.Id, (1, 2m));

        var closed = await _buyer.PostAsync($"/api/procurement/purchase-orders/{order.Id}/close", new { });
        var again = await _buyer.PostAsync($"/api/procurement/purchase-orders/{order.Id}/close", new { });
        var receiveClosed = await _buyer.ReceiveAsync(order.Id, [new { lineNo = 1, rejectedQuantity = 1m, rejectionReason = "Late" }]);

        (await closed.ReadAsync<PurchaseOrderDto>()).Status.ShouldBe(PurchaseOrderStatus.Closed);
        again.StatusCode.ShouldBe(HttpStatusCode.OK);
        receiveClosed.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await factory.PublishedAsync<PurchaseOrderClosed>()).Where(e => e.PurchaseOrderId == order.Id).ShouldHaveSingleItem().Number.ShouldBe(order.Number);
    }

    [Fact]
    public async Task Parallel_receipts_on_one_line_never_receive_more_than_allowed()
    {
        var order = await _buyer.ApprovedAsync((_buyer.Sku(), 10m, 1m));

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => _buyer.ReceiveAsync(order.Id, [new { lineNo = 1, acceptedQuantity = 2m }])));

        responses.Count(r => r.StatusCode == HttpStatusCode.Created).ShouldBe(5);
        responses.Count(r => r.StatusCode is HttpStatusCode.UnprocessableEntity or HttpStatusCode.Conflict).ShouldBe(7);
        var after = await _buyer.OrderAsync(order.Id);
        (after.Status, after.Lines[0].ReceivedQuantity).ShouldBe((PurchaseOrderStatus.Received, 10m));
        var receipts = await _buyer.PageAsync<GoodsReceiptDto>($"/api/procurement/receipts?purchaseOrderId={order.Id}");
        receipts.Items.Select(r => r.Number).Distinct().Count().ShouldBe(5);
    }
}
