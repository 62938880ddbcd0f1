using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Web;
using Tessera.Inventory.Contracts;
using Tessera.ServiceDefaults.Json;
using Tessera.ServiceDefaults.Tenancy;
using Tessera.Testing;

namespace Tessera.Reporting.Tests;

/// <summary>
/// The orders and inventory services as reporting's reconciliation sees them: each answers with the figures of the
/// shop of the tenant the call is made for. <see cref="OrdersRevenueOffset"/> breaks the orders service's revenue on purpose.
/// </summary>
public sealed class SourcesStub
{
    public SourcesStub()
    {
        OrdersHandler = new StubHandler(Orders);
        InventoryHandler = new StubHandler(Inventory);
    }

    public ConcurrentDictionary<string, Shop> Shops { get; } = new(StringComparer.Ordinal);
    public StubHandler OrdersHandler { get; }
    public StubHandler InventoryHandler { get; }

    /// <summary>Added to every revenue figure the orders service gives (a broken source figure).</summary>
    public decimal OrdersRevenueOffset { get; set; }

    private Shop? Current => AmbientTenant.Current is { } tenant ? Shops.GetValueOrDefault(tenant) : null;

    private HttpResponseMessage Orders(HttpRequestMessage request)
    {
        var query = HttpUtility.ParseQueryString(request.RequestUri!.Query);
        if (request.RequestUri.AbsolutePath != "/api/orders/daily" || Current is not { } shop)
            return new HttpResponseMessage(HttpStatusCode.NotFound);
        var from = DateOnly.ParseExact(query["from"]!, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var to = DateOnly.ParseExact(query["to"]!, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var days = Enumerable.Range(0, to.DayNumber - from.DayNumber + 1).Select(i => shop.Daily(from.AddDays(i)))
            .Select(d => d with { Revenue = d.Revenue.Select(r => r with { Amount = r.Amount + OrdersRevenueOffset }).ToList() }).ToList();
        return StubHandler.Json(JsonSerializer.Serialize(days, TesseraJson.Options));
    }

    private HttpResponseMessage Inventory(HttpRequestMessage request)
    {
        var query = HttpUtility.ParseQueryString(request.RequestUri!.Query);
        if (request.RequestUri.AbsolutePath != "/api/inventory/source-totals" || Current is not { } shop)
            return new HttpResponseMessage(HttpStatusCode.NotFound);
        var type = query["sourceType"];
        var ids = (query["sourceIds"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        var totals = shop.Movements.Where(m => m.SourceType == type && ids.Contains(m.SourceId))
            .GroupBy(m => (m.SourceId, m.Sku, m.MovementType))
            .Select(g => new SourceTotalDto(type!, g.Key.SourceId, g.Key.Sku, g.Key.MovementType, g.Sum(m => m.Quantity), g.Sum(m => m.Value)))
            .ToList();
        return StubHandler.Json(JsonSerializer.Serialize(totals, TesseraJson.Options));
    }
}
