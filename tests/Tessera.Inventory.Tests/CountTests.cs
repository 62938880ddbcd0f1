using System.Net;
using System.Net.Http.Json;
using Tessera.Inventory.Contracts;
using Tessera.Orders.Contracts;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;

namespace Tessera.Inventory.Tests;

/// <summary>Stock counts: frozen expectations, counted quantities, differences posted as adjustments with a reason.</summary>
public sealed class CountTests(InventoryFactory factory) : IClassFixture<InventoryFactory>
{
    private readonly LedgerApi _api = new(factory);

    private async Task<CountDto> StartAsync(object body, HttpClient? client = null) =>
        await (await (client ?? _api.Client).PostJsonAsync("/api/inventory/counts", body)).ReadAsync<CountDto>();

    private async Task<List<CountLineDto>> EnterAsync(Guid count, params (string Sku, decimal Counted)[] lines) =>
        await (await _api.Client.PostJsonAsync($"/api/inventory/counts/{count}/entries",
            new { lines = lines.Select(l => new { sku = l.Sku, counted = l.Counted }) })).ReadAsync<List<CountLineDto>>();

    private Task<HttpResponseMessage> PostAsync(Guid count, string reason = "Annual count") =>
        _api.Client.PostJsonAsync($"/api/inventory/counts/{count}/post", new { reason });

    private async Task<List<CountLineDto>> LinesAsync(Guid count, HttpClient? client = null, bool differences = false) =>
        (await (client ?? _api.Client).GetFromJsonAsync<PagedResult<CountLineDto>>($"/api/inventory/counts/{count}/lines?differences={differences}&pageSize=500",
            TesseraJson.Options))!.Items.ToList();

    [Fact]
    public async Task A_count_with_differences_posts_exactly_the_adjustments_and_stock_as_of_before_the_count_shows_the_old_quantity()
    {
        var warehouse = await _api.WarehouseAsync();
        var (a, b, c) = (_api.Sku(), _api.Sku(), _api.Sku());
        await _api.ReceiveAsync(warehouse, a, 10, 100);
        await _api.ReceiveAsync(warehouse, b, 5, 20);
        await _api.ReceiveAsync(warehouse, c, 7, 12.5m);
        await Task.Delay(20);
        var beforeCount = DateTimeOffset.UtcNow;
        await Task.Delay(20);

        var count = await StartAsync(new { warehouse, reference = "Q4" });
        count.ShouldSatisfyAllConditions(x => x.Status.ShouldBe("Counting"), x => x.Lines.ShouldBe(3), x => x.Number.ShouldStartWith("CNT-"));
        (await LinesAsync(count.Id)).Select(l => (l.Sku, l.Expected)).OrderBy(l => l.Sku).ShouldBe(new[] { (a, (decimal?)10m), (b, 5m), (c, 7m) }.OrderBy(l => l.Item1));
        await EnterAsync(count.Id, (a, 8), (b, 5), (c, 9));
        var posted = await (await PostAsync(count.Id)).ReadAsync<CountDto>();

        posted.ShouldSatisfyAllConditions(x => x.Status.ShouldBe("Posted"), x => x.Counted.ShouldBe(3), x => x.Differences.ShouldBe(2), x => x.Reason.ShouldBe("Annual count"));
        var totals = await _api.Client.GetFromJsonAsync<List<SourceTotalDto>>($"/api/inventory/source-totals?sourceType=count&sourceIds={count.Id}", TesseraJson.Options);
        totals!.Select(t => (t.Sku, t.MovementType, t.Quantity, t.Value)).OrderBy(t => t.Sku).ShouldBe(
            new[] { (a, "count-adjust-out", -2m, -200m), (c, "count-adjust-in", 2m, 25m) }.OrderBy(t => t.Item1));
        (await _api.HistoryAsync(a, warehouse))[0].ShouldSatisfyAllConditions(m => m.Reason.ShouldBe("Annual count"), m => m.SourceId.ShouldBe(count.Id.ToString()));
        (await _api.StockAsync(a, warehouse)).OnHand.ShouldBe(8m);
        (await _api.StockAsync(b, warehouse)).OnHand.ShouldBe(5m);
        (await _api.StockAsync(c, warehouse)).OnHand.ShouldBe(9m);

        (await _api.AsOfAsync(a, warehouse, beforeCount)).ShouldSatisfyAllConditions(s => s.OnHand.ShouldBe(10m), s => s.Value.ShouldBe(1000m));
        (await _api.AsOfAsync(c, warehouse, beforeCount)).OnHand.ShouldBe(7m);
        (await _api.AsOfAsync(a, warehouse, DateTimeOffset.UtcNow)).OnHand.ShouldBe(8m);
        (await _api.AsOfAsync(a, warehouse, beforeCount.AddDays(-1))).ShouldSatisfyAllConditions(s => s.OnHand.ShouldBe(0m), s => s.LastMovementId.ShouldBeNull());

        var adjusted = (await factory.PublishedAsync<StockAdjusted>()).Single(e => e.CountId == count.Id);
        adjusted.Lines.OrderBy(l => l.Sku).ShouldBe(new[]
        {
            new CountDifferenceLine(a, null, 10, 8, -2, 100, -200, "Annual count"),
            new CountDifferenceLine(c, null, 7, 9, 2, 12.5m, 25, "Annual count"),
        }.OrderBy(l => l.Sku));
        (await LinesAsync(count.Id, differences: true)).Select(l => (l.Sku, l.Difference)).OrderBy(l => l.Sku)
            .ShouldBe(new[] { (a, (decimal?)-2m), (c, 2m) }.OrderBy(l => l.Item1));
        (await PostAsync(count.Id)).StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await _api.Client.PostJsonAsync($"/api/inventory/counts/{count.Id}/entries", new { lines = new[] { new { sku = a, counted = 1m } } }))
            .StatusCode.ShouldBe(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Movements_after_the_freeze_are_part_of_the_book_a_count_is_compared_with()
    {
        var warehouse = await _api.WarehouseAsync();
        var (sold, busy) = (_api.Sku(), _api.Sku());
        await _api.ReceiveAsync(warehouse, sold, 10, 10);
        await _api.ReceiveAsync(warehouse, busy, 5, 10);
        var count = await StartAsync(new { warehouse, skus = new[] { sold, busy } });

        (await _api.IssueAsync(warehouse, sold, 3)).StatusCode.ShouldBe(HttpStatusCode.Created);
        var entered = await EnterAsync(count.Id, (sold, 7), (busy, 4));
        (await _api.IssueAsync(warehouse, busy, 2)).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await PostAsync(count.Id)).StatusCode.ShouldBe(HttpStatusCode.OK);

        entered.Single(l => l.Sku == sold).ShouldSatisfyAllConditions(l => l.Expected.ShouldBe(10m), l => l.BookAtEntry.ShouldBe(7m), l => l.Difference.ShouldBe(0m));
        (await _api.StockAsync(sold, warehouse)).OnHand.ShouldBe(7m);
        (await _api.HistoryAsync(sold, warehouse)).ShouldNotContain(m => m.Type.StartsWith("count"));
        (await _api.StockAsync(busy, warehouse)).OnHand.ShouldBe(2m);
        (await _api.HistoryAsync(busy, warehouse))[0].ShouldSatisfyAllConditions(m => m.Type.ShouldBe("count-adjust-out"), m => m.Quantity.ShouldBe(-1m));
    }

    [Fact]
    public async Task A_blind_count_hides_expected_quantities_from_counters_until_it_is_posted()
    {
        var warehouse = await _api.WarehouseAsync();
        var sku = _api.Sku();
        await _api.ReceiveAsync(warehouse, sku, 6, 10);
        var counter = factory.ClientFor(_api.Tenant, "warehouse");
        var count = await StartAsync(new { warehouse, skus = new[] { sku }, blind = true }, counter);

        var seenByCounter = (await LinesAsync(count.Id, counter)).Single();
        var seenBySupervisor = (await LinesAsync(count.Id)).Single();
        var entered = await (await counter.PostJsonAsync($"/api/inventory/counts/{count.Id}/entries", new { lines = new[] { new { sku, counted = 5m } } }))
            .ReadAsync<List<CountLineDto>>();
        await (await counter.PostJsonAsync($"/api/inventory/counts/{count.Id}/post", new { reason = "Blind cycle count" })).ReadAsync<CountDto>();
        var afterPosting = (await LinesAsync(count.Id, counter)).Single();

        (seenByCounter.Expected, seenByCounter.BookAtEntry).ShouldBe((null, null));
        seenBySupervisor.Expected.ShouldBe(6m);
        (entered.Single().Counted, entered.Single().Difference).ShouldBe((5m, null));
        (afterPosting.Expected, afterPosting.Difference).ShouldBe((6m, -1m));
    }

    [Fact]
    public async Task A_bin_count_adjusts_that_bin_and_the_stock_row_and_a_sku_found_unexpectedly_is_added()
    {
        var warehouse = await _api.WarehouseAsync();
        var bin = await _api.BinAsync(warehouse, "A-01");
        var (shelved, stray) = (_api.Sku(), _api.Sku());
        await _api.ReceiveAsync(warehouse, shelved, 5, 10, bin);
        await _api.ReceiveAsync(warehouse, shelved, 3, 10);
        var count = await StartAsync(new { warehouse, bin = "a-01" });

        await EnterAsync(count.Id, (shelved, 4), (stray, 2));
        (await PostAsync(count.Id, "Bin check")).StatusCode.ShouldBe(HttpStatusCode.OK);

        count.ShouldSatisfyAllConditions(c => c.Bin.ShouldBe("A-01"), c => c.Lines.ShouldBe(1));
        var bins = await _api.Client.GetFromJsonAsync<List<BinStockDto>>($"/api/inventory/stock/bins?warehouse={warehouse}", TesseraJson.Options);
        bins!.Select(b => (b.Sku, b.Bin, b.OnHand)).OrderBy(b => b.Sku).ShouldBe(new[] { (shelved, "A-01", 4m), (stray, "A-01", 2m) }.OrderBy(b => b.Item1));
        (await _api.StockAsync(shelved, warehouse)).OnHand.ShouldBe(7m);
        (await _api.StockAsync(stray, warehouse)).OnHand.ShouldBe(2m);
        (await LinesAsync(count.Id)).Single(l => l.Sku == stray).ShouldSatisfyAllConditions(l => l.Expected.ShouldBe(0m), l => l.Difference.ShouldBe(2m));
    }

    [Fact]
    public async Task A_loss_that_would_cut_into_reserved_stock_is_refused_and_nothing_is_posted()
    {
        var api = new LedgerApi(factory, LedgerApi.NewTenant("reserved"));
        var warehouse = await api.WarehouseAsync();
        var (reserved, other) = (api.Sku(), api.Sku());
        await api.ReceiveAsync(warehouse, reserved, 5, 10);
        await api.ReceiveAsync(warehouse, other, 5, 10);
        var order = Guid.CreateVersion7();
        await factory.DeliverAsync("orders", api.Tenant, order.ToString(), new OrderPlaced(order, 1, "web", [new OrderedLine(1, reserved, 4)], DateTimeOffset.UtcNow));
        await factory.WaitForInboxAsync();
        var count = await (await api.Client.PostJsonAsync("/api/inventory/counts", new { warehouse })).ReadAsync<CountDto>();
        await api.Client.PostJsonAsync($"/api/inventory/counts/{count.Id}/entries", new { lines = new[] { new { sku = reserved, counted = 2m }, new { sku = other, counted = 6m } } });

        var refused = await api.Client.PostJsonAsync($"/api/inventory/counts/{count.Id}/post", new { reason = "Shrinkage" });

        refused.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await refused.ProblemAsync()).GetProperty("detail").GetString()!.ShouldContain(reserved);
        (await api.StockAsync(other, warehouse)).OnHand.ShouldBe(5m);
        (await api.ConsistencyAsync()).Holds.ShouldBeTrue();
    }

    [Fact]
    public async Task Counts_name_what_is_wrong_with_a_request()
    {
        var warehouse = await _api.WarehouseAsync();
        var sku = _api.Sku();
        var limited = await StartAsync(new { warehouse, skus = new[] { sku } });

        var noWarehouse = await _api.Client.PostJsonAsync("/api/inventory/counts", new { warehouse = "NOWHERE" });
        var noBin = await _api.Client.PostJsonAsync("/api/inventory/counts", new { warehouse, bin = "Z-99" });
        var ghost = await _api.Client.PostJsonAsync("/api/inventory/counts", new { warehouse, skus = new[] { "GHOST-SKU" } });
        var outside = await _api.Client.PostJsonAsync($"/api/inventory/counts/{limited.Id}/entries", new { lines = new[] { new { sku = _api.Sku(), counted = 1m } } });
        var negative = await _api.Client.PostJsonAsync($"/api/inventory/counts/{limited.Id}/entries", new { lines = new[] { new { sku, counted = -1m } } });
        var noReason = await _api.Client.PostJsonAsync($"/api/inventory/counts/{limited.Id}/post", new { reason = "" });

        (await noWarehouse.ProblemAsync()).ErrorFields().ShouldBe(["warehouse"]);
        (await noBin.ProblemAsync()).ErrorFields().ShouldBe(["bin"]);
        (await ghost.ProblemAsync()).ErrorFields().ShouldBe(["skus[0]"]);
        (await outside.ProblemAsync()).ErrorFields().ShouldBe(["lines[0].sku"]);
        (await negative.ProblemAsync()).ErrorFields().ShouldBe(["lines[0].counted"]);
        (await noReason.ProblemAsync()).ErrorFields().ShouldBe(["reason"]);
        (await (await _api.Client.PostJsonAsync($"/api/inventory/counts/{limited.Id}/cancel", new { })).ReadAsync<CountDto>()).Status.ShouldBe("Cancelled");
        (await _api.PageAsync<CountDto>($"/api/inventory/counts?warehouse={warehouse}&status=Cancelled")).Items.Select(c => c.Id).ShouldBe([limited.Id]);
    }
}
