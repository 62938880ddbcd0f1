using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Tessera.Inventory.Contracts;
using Tessera.Inventory.Ledger;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;

namespace Tessera.Inventory.Tests;

/// <summary>Movement history with running balances, keyset-paged; stock as of a past moment; the invariants and source totals.</summary>
public sealed class HistoryTests(InventoryFactory factory) : IClassFixture<InventoryFactory>
{
    private readonly LedgerApi _api = new(factory);

    [Fact]
    public async Task History_pages_follow_the_cursor_newest_first_without_gaps_or_repeats_and_carry_the_running_balance()
    {
        var (a, b) = (await _api.WarehouseAsync(), await _api.WarehouseAsync());
        var sku = _api.Sku();
        for (var i = 1; i <= 7; i++)
            await _api.ReceiveAsync(i % 2 == 0 ? b : a, sku, i, 10 * i);

        var first = await Page($"sku={sku}&warehouse={a}&limit=3");
        var second = await Page($"sku={sku}&warehouse={a}&limit=3&before={first.Next}");
        var everywhere = await _api.HistoryAsync(sku, limit: 2);

        first.Items.Select(m => m.Quantity).ShouldBe([7m, 5m, 3m]);
        first.Items.Select(m => m.BalanceQuantity).ShouldBe([16m, 9m, 4m]);
        first.Items.Select(m => m.BalanceValue).ShouldBe([490m + 250 + 90 + 10, 250m + 90 + 10, 90m + 10]);
        second.Items.Select(m => m.Quantity).ShouldBe([1m]);
        second.Next.ShouldBeNull();
        first.Next.ShouldNotBeNull();
        everywhere.Select(m => m.Quantity).ShouldBe([7m, 6m, 5m, 4m, 3m, 2m, 1m]);
        everywhere.Where(m => m.Warehouse == b).Select(m => m.BalanceQuantity).ShouldBe([12m, 6m, 2m]);
        everywhere.ShouldAllBe(m => m.Type == "purchase-in" && m.SourceType == "receipt" && m.Actor == "tester");
    }

    [Fact]
    public async Task A_bad_cursor_or_limit_is_refused_naming_the_field()
    {
        (await (await _api.GetAsync("/api/inventory/movements/history?sku=X&before=abc")).ProblemAsync()).ErrorFields().ShouldBe(["before"]);
        (await (await _api.GetAsync("/api/inventory/movements/history?sku=X&limit=501")).ProblemAsync()).ErrorFields().ShouldBe(["limit"]);
        (await (await _api.GetAsync("/api/inventory/stock/as-of?sku=X&at=yesterday")).ProblemAsync()).ErrorFields().ShouldBe(["at"]);
        (await (await _api.GetAsync($"/api/inventory/stock/as-of?at={Uri.EscapeDataString(DateTimeOffset.UtcNow.ToString("O"))}")).ProblemAsync()).ErrorFields().ShouldBe(["sku"]);
    }

    [Fact]
    public async Task Stock_as_of_a_moment_is_the_balance_after_the_last_movement_at_or_before_it_for_every_sku_of_a_warehouse()
    {
        var warehouse = await _api.WarehouseAsync();
        var (x, y) = (_api.Sku(), _api.Sku());
        await _api.ReceiveAsync(warehouse, x, 4, 25);
        await Task.Delay(20);
        var middle = DateTimeOffset.UtcNow;
        await Task.Delay(20);
        await _api.ReceiveAsync(warehouse, x, 6, 50);
        await _api.ReceiveAsync(warehouse, y, 1, 1);

        var then = await _api.Client.GetFromJsonAsync<List<StockAsOfDto>>(
            $"/api/inventory/stock/as-of?warehouse={warehouse}&at={Uri.EscapeDataString(middle.ToString("O"))}", TesseraJson.Options);

        then!.Select(s => (s.Sku, s.OnHand, s.Value, s.AverageCost)).OrderBy(s => s.Sku)
            .ShouldBe(new[] { (x, 4m, 100m, 25m), (y, 0m, 0m, 0m) }.OrderBy(s => s.Item1));
        (await _api.AsOfAsync(x, warehouse, DateTimeOffset.UtcNow)).ShouldSatisfyAllConditions(s => s.OnHand.ShouldBe(10m), s => s.AverageCost.ShouldBe(40m));
    }

    [Fact]
    public async Task Source_totals_sum_the_ledger_per_document_sku_and_movement_type()
    {
        var warehouse = await _api.WarehouseAsync();
        var (x, y) = (_api.Sku(), _api.Sku());
        var first = await (await _api.Client.PostJsonAsync("/api/inventory/receipts", new
        {
            warehouse,
            lines = new[] { new { sku = x, quantity = 2m, unitCost = 5m }, new { sku = x, quantity = 3m, unitCost = 5m }, new { sku = y, quantity = 1m, unitCost = 9m } },
        })).ReadAsync<ReceiptDto>();
        var second = await _api.ReceiveAsync(warehouse, x, 4, 1);

        var totals = await _api.Client.GetFromJsonAsync<List<SourceTotalDto>>(
            $"/api/inventory/source-totals?sourceType=receipt&sourceIds={second.Id},{first.Id},{Guid.NewGuid()}", TesseraJson.Options);

        totals!.ShouldBe([
            new SourceTotalDto("receipt", second.Id.ToString(), x, "purchase-in", 4, 4),
            .. new[]
            {
                new SourceTotalDto("receipt", first.Id.ToString(), x, "purchase-in", 5, 25),
                new SourceTotalDto("receipt", first.Id.ToString(), y, "purchase-in", 1, 9),
            }.OrderBy(t => t.Sku, StringComparer.Ordinal),
        ]);
        var tooMany = string.Join(',', Enumerable.Range(0, 201).Select(_ => Guid.NewGuid()));
        (await (await _api.GetAsync($"/api/inventory/source-totals?sourceType=receipt&sourceIds={tooMany}")).ProblemAsync()).ErrorFields().ShouldBe(["sourceIds"]);
        (await (await _api.GetAsync("/api/inventory/source-totals")).ProblemAsync()).ErrorFields().ShouldBe(["sourceType", "sourceIds"], ignoreOrder: true);
    }

    [Fact]
    public async Task The_consistency_report_names_a_stock_row_that_no_longer_matches_its_ledger()
    {
        var api = new LedgerApi(factory, LedgerApi.NewTenant("broken"));
        var warehouse = await api.WarehouseAsync();
        var sku = api.Sku();
        await api.ReceiveAsync(warehouse, sku, 5, 1);
        (await api.ConsistencyAsync()).Holds.ShouldBeTrue();

        // Damage the stock row behind the ledger's back, as a bad restore or a manual edit would.
        await factory.QueryAsync(api.Tenant, db => db.Stock.Where(s => s.Sku == sku).ExecuteUpdateAsync(u => u
            .SetProperty(s => s.OnHand, 6m).SetProperty(s => s.Reserved, 7m)));
        var report = await api.ConsistencyAsync();

        report.Holds.ShouldBeFalse();
        var i1 = report.Invariants.Single(i => i.Id == "I1");
        (i1.Holds, i1.ViolationCount, i1.Violations.Single().Key).ShouldBe((false, 1, $"{sku}@{warehouse}"));
        i1.Violations.Single().Detail.ShouldContain("ledger sums to 5");
        report.Invariants.Single(i => i.Id == "I2").Violations.Single().Detail.ShouldContain("reserved 7");
    }

    [Fact]
    public async Task The_legacy_movement_list_keeps_its_shape()
    {
        var warehouse = await _api.WarehouseAsync();
        var sku = _api.Sku();
        await _api.ReceiveAsync(warehouse, sku, 1, 1);

        var page = await _api.Client.GetFromJsonAsync<PagedResult<MovementDto>>($"/api/inventory/movements?sku={sku}", TesseraJson.Options);

        page!.Items.Single().ShouldSatisfyAllConditions(m => m.Type.ShouldBe("purchase-in"), m => m.Warehouse.ShouldBe(warehouse));
        (await _api.GetAsync("/api/inventory/movements?page=0")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    private async Task<MovementHistoryPageDto> Page(string query) =>
        (await _api.Client.GetFromJsonAsync<MovementHistoryPageDto>("/api/inventory/movements/history?" + query, TesseraJson.Options))!;
}

/// <summary>Movements recorded before the ledger kept running balances get them at start-up.</summary>
public sealed class LedgerBackfillTests(InventoryFactory factory) : IClassFixture<InventoryFactory>
{
    [Fact]
    public async Task Movements_without_a_running_balance_get_the_sum_of_their_stock_rows_movements_up_to_them()
    {
        var api = new LedgerApi(factory);
        var (a, b) = (await api.WarehouseAsync(), await api.WarehouseAsync());
        var sku = api.Sku();
        await api.ReceiveAsync(a, sku, 2, 10);
        await api.ReceiveAsync(b, sku, 5, 1);
        await api.IssueAsync(a, sku, 1);
        await api.ReceiveAsync(a, sku, 3, 20);
        var expected = await api.HistoryAsync(sku);
        await factory.QueryAsync(null, db => db.Database.ExecuteSqlRawAsync("UPDATE movements SET balance_quantity = NULL, balance_value = NULL"));

        var written = await factory.Services.BackfillLedgerAsync(Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

        written.ShouldBeGreaterThanOrEqualTo(4);
        (await api.HistoryAsync(sku)).ShouldBe(expected);
        (await factory.Services.BackfillLedgerAsync(Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance)).ShouldBe(0);
    }
}
