using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Inventory.Contracts;
using Tessera.Orders.Contracts;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages;

public sealed record LowStockRow(StockDto Stock, string? ProductName);

/// <summary>The dashboard's figures from the warehouse: the last 30 days' sales, this month's return rate, the last week's on-time dispatch.</summary>
public sealed record WarehouseTiles(decimal Gmv, long Orders, decimal? AverageOrderValue, string Currency, decimal? ReturnRate, decimal? OnTimeDispatch,
    DateTimeOffset? BuiltAt);

/// <summary>The dashboard: today's orders and revenue, orders per day, low stock and each service's health — each part on its own.</summary>
public sealed class IndexModel(
    OrdersApi orders, InventoryApi inventory, CatalogApi catalog, OperationsApi operations, ReportingApi reporting, Formatting fmt, TimeProvider clock)
    : PageModel
{
    public const int ChartDays = 14;
    public const decimal LowStockThreshold = 5m;

    public Section<IReadOnlyList<DailyOrdersDto>> Daily { get; private set; } = null!;
    public Section<LowStock> Low { get; private set; } = null!;
    public Section<WarehouseTiles> Warehouse { get; private set; } = null!;
    public IReadOnlyList<ServiceHealth> Health { get; private set; } = [];

    public sealed record LowStock(IReadOnlyList<LowStockRow> Rows, bool NamesUnavailable);

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var daily = LoadDailyAsync(cancellationToken);
        var low = LoadLowStockAsync(cancellationToken);
        var warehouse = LoadWarehouseAsync(cancellationToken);
        var health = Task.WhenAll(OperationsApi.Services.Select(s => operations.HealthAsync(s, cancellationToken)));
        (Daily, Low, Warehouse, Health) = (await daily, await low, await warehouse, await health);
    }

    public async Task<IActionResult> OnGetWarehouseAsync(CancellationToken cancellationToken)
    {
        Warehouse = await LoadWarehouseAsync(cancellationToken);
        return Partial("_DashboardWarehouse", this);
    }

    private Task<Section<WarehouseTiles>> LoadWarehouseAsync(CancellationToken cancellationToken)
    {
        var today = fmt.Today(clock);
        return Section<WarehouseTiles>.LoadAsync(async () =>
        {
            var sales = reporting.MetricAsync("sales_daily", today.AddDays(-29).ToString("yyyy-MM-dd"), today.ToString("yyyy-MM-dd"), null, cancellationToken);
            var month = today.ToString("yyyy-MM");
            var returns = reporting.MetricAsync("return_rate_monthly", month, month, null, cancellationToken);
            var fulfilment = reporting.MetricAsync("fulfilment_daily", today.AddDays(-6).ToString("yyyy-MM-dd"), today.ToString("yyyy-MM-dd"), null, cancellationToken);
            var (s, r, f) = (await sales, await returns, await fulfilment);
            var orders = (long)s.Sum("orders");
            var valid = orders - (long)s.Sum("cancelledOrders") - (long)s.Sum("rejectedOrders");
            var dispatched = f.Sum("dispatched");
            return new WarehouseTiles(s.Sum("gmv"), orders, valid > 0 ? Math.Round(s.Sum("gmv") / valid, 0) : null,
                s.Rows.Select(x => MetricRows.Text(x, "currency")).FirstOrDefault(c => c.Length > 0) ?? fmt.Tenant.Currency,
                r.Rows.Count > 0 ? MetricRows.Number(r.Rows[0], "returnRate") : null, dispatched > 0 ? f.Sum("dispatchedOnTime") / dispatched : null, s.BuiltAt);
        }, "/?handler=Warehouse");
    }

    public async Task<IActionResult> OnGetOrdersAsync(CancellationToken cancellationToken)
    {
        Daily = await LoadDailyAsync(cancellationToken);
        return Partial("_DashboardOrders", this);
    }

    public async Task<IActionResult> OnGetLowStockAsync(CancellationToken cancellationToken)
    {
        Low = await LoadLowStockAsync(cancellationToken);
        return Partial("_DashboardLowStock", this);
    }

    public DailyOrdersDto? Today => Daily.Value?.LastOrDefault();

    private Task<Section<IReadOnlyList<DailyOrdersDto>>> LoadDailyAsync(CancellationToken cancellationToken)
    {
        var today = fmt.Today(clock);
        return Section<IReadOnlyList<DailyOrdersDto>>.LoadAsync(
            () => orders.DailyAsync(today.AddDays(-(ChartDays - 1)), today, fmt.Tenant.TimeZone.Id, cancellationToken), "/?handler=Orders");
    }

    private Task<Section<LowStock>> LoadLowStockAsync(CancellationToken cancellationToken) =>
        Section<LowStock>.LoadAsync(async () =>
        {
            var stock = await inventory.StockAsync(new StockFilter(null, null, null, LowStockThreshold), 1, 10, cancellationToken);
            var names = await Section<IReadOnlyDictionary<string, Tessera.Catalog.Contracts.ProductDto>>.LoadAsync(
                () => catalog.BySkusAsync(stock.Items.Select(s => s.Sku), cancellationToken), "");
            return new LowStock(stock.Items.Select(s => new LowStockRow(s, names.Value?.GetValueOrDefault(s.Sku)?.Name)).ToList(), !names.IsUp);
        }, "/?handler=LowStock");
}
