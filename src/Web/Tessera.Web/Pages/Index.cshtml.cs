using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Inventory.Contracts;
using Tessera.Orders.Contracts;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages;

public sealed record LowStockRow(StockDto Stock, string? ProductName);

/// <summary>The dashboard: today's orders and revenue, orders per day, low stock and each service's health — each part on its own.</summary>
public sealed class IndexModel(OrdersApi orders, InventoryApi inventory, CatalogApi catalog, OperationsApi operations, Formatting fmt, TimeProvider clock)
    : PageModel
{
    public const int ChartDays = 14;
    public const decimal LowStockThreshold = 5m;

    public Section<IReadOnlyList<DailyOrdersDto>> Daily { get; private set; } = null!;
    public Section<LowStock> Low { get; private set; } = null!;
    public IReadOnlyList<ServiceHealth> Health { get; private set; } = [];

    public sealed record LowStock(IReadOnlyList<LowStockRow> Rows, bool NamesUnavailable);

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var daily = LoadDailyAsync(cancellationToken);
        var low = LoadLowStockAsync(cancellationToken);
        var health = Task.WhenAll(OperationsApi.Services.Select(s => operations.HealthAsync(s, cancellationToken)));
        (Daily, Low, Health) = (await daily, await low, await health);
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
