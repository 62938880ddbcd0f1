using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Web;
using Tessera.Inventory.Contracts;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;

namespace Tessera.Procurement.Tests;

/// <summary>
/// Inventory as procurement sees it over HTTP: GET /api/inventory/warehouses/{code} from <see cref="Warehouses"/>, and
/// GET /api/inventory/source-totals from <see cref="Totals"/> (what the ledger holds per source document).
/// </summary>
public sealed class InventoryStub
{
    public InventoryStub() => Handler = new StubHandler(Answer);

    public ConcurrentDictionary<string, string> Warehouses { get; } = new(StringComparer.Ordinal);

    /// <summary>Source id → the ledger's totals for it.</summary>
    public ConcurrentDictionary<string, List<SourceTotalDto>> Totals { get; } = new(StringComparer.Ordinal);

    /// <summary>How many source ids each source-totals call asked for.</summary>
    public ConcurrentQueue<int> SourceTotalBatches { get; } = new();

    public StubHandler Handler { get; }

    public bool Down
    {
        get => Handler.Down;
        set => Handler.Down = value;
    }

    public string AddWarehouse(string name = "Test warehouse")
    {
        var code = "WH" + Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        Warehouses[code] = name;
        return code;
    }

    /// <summary>Records purchase-in movements for a goods receipt, as inventory would after posting it.</summary>
    public void PurchaseIn(Guid receiptId, string sku, decimal quantity, decimal unitCost) =>
        Totals.AddOrUpdate(receiptId.ToString(),
            _ => [new SourceTotalDto("goods-receipt", receiptId.ToString(), sku, "purchase-in", quantity, quantity * unitCost)],
            (_, list) => [.. list, new SourceTotalDto("goods-receipt", receiptId.ToString(), sku, "purchase-in", quantity, quantity * unitCost)]);

    private HttpResponseMessage Answer(HttpRequestMessage request)
    {
        var path = request.RequestUri!.AbsolutePath;
        if (path.StartsWith("/api/inventory/warehouses/", StringComparison.Ordinal))
        {
            var code = Uri.UnescapeDataString(path["/api/inventory/warehouses/".Length..]);
            return Warehouses.TryGetValue(code, out var name)
                ? StubHandler.Json(JsonSerializer.Serialize(new WarehouseDto(Guid.NewGuid(), code, name, DateTimeOffset.UtcNow), TesseraJson.Options))
                : StubHandler.Json("""{"title":"Warehouse not found","status":404}""", HttpStatusCode.NotFound);
        }
        if (path == "/api/inventory/source-totals")
        {
            var query = HttpUtility.ParseQueryString(request.RequestUri.Query);
            var ids = (query["sourceIds"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries);
            SourceTotalBatches.Enqueue(ids.Length);
            if (query["sourceType"] != "goods-receipt" || ids.Length > 200)
                return StubHandler.Json("""{"title":"Bad request","status":400}""", HttpStatusCode.BadRequest);
            var totals = ids.SelectMany(id => Totals.GetValueOrDefault(id) ?? []).ToList();
            return StubHandler.Json(JsonSerializer.Serialize(totals, TesseraJson.Options));
        }
        return new HttpResponseMessage(HttpStatusCode.NotFound);
    }
}
