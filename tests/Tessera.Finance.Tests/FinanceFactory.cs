using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Web;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Finance.Data;
using Tessera.Finance.Features;
using Tessera.Inventory.Contracts;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;

namespace Tessera.Finance.Tests;

/// <summary>Finance in-process against a real SQLite file, with inventory answered by <see cref="InventoryStub"/>.</summary>
public sealed class FinanceFactory : ServiceFactory<Program, FinanceDbContext>
{
    public InventoryStub Inventory { get; } = new();

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Tessera:Services:inventory"] = "http://inventory.test",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddHttpClient<InventoryClient>().ConfigurePrimaryHttpMessageHandler(() => Inventory.Handler));
    }
}

/// <summary>
/// Inventory as finance asks it: GET /api/inventory/valuation (per tenant and warehouse, from <see cref="Value"/>) and
/// GET /api/inventory/source-totals for shipments (from <see cref="ShipmentTotals"/>).
/// </summary>
public sealed class InventoryStub
{
    public InventoryStub() => Handler = new StubHandler(Answer);

    public StubHandler Handler { get; }

    /// <summary>(tenant, warehouse) → (on hand, in transit).</summary>
    public ConcurrentDictionary<(string Tenant, string Warehouse), (decimal OnHand, decimal InTransit)> Value { get; } = new();

    /// <summary>Shipment id → the ledger's source totals for it (sales-out negative, returns positive, as inventory signs them).</summary>
    public ConcurrentDictionary<string, List<SourceTotalDto>> ShipmentTotals { get; } = new(StringComparer.Ordinal);

    public void Issued(Guid shipment, string sku, decimal quantity, decimal value) =>
        ShipmentTotals.AddOrUpdate(shipment.ToString(), _ => [new SourceTotalDto("shipment", shipment.ToString(), sku, "sales-out", -quantity, -value)],
            (_, list) => [.. list, new SourceTotalDto("shipment", shipment.ToString(), sku, "sales-out", -quantity, -value)]);

    private HttpResponseMessage Answer(HttpRequestMessage request)
    {
        var tenant = TenantOf(request);
        var path = request.RequestUri!.AbsolutePath;
        if (path == "/api/inventory/valuation")
            return StubHandler.Json(JsonSerializer.Serialize(Value.Where(v => v.Key.Tenant == tenant)
                .Select(v => new WarehouseValueDto(v.Key.Warehouse, v.Value.OnHand, v.Value.InTransit)).ToList(), TesseraJson.Options));
        if (path == "/api/inventory/source-totals")
        {
            var query = HttpUtility.ParseQueryString(request.RequestUri.Query);
            var ids = (query["sourceIds"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries);
            if (query["sourceType"] != "shipment" || ids.Length > 200)
                return StubHandler.Json("""{"title":"Bad request","status":400}""", HttpStatusCode.BadRequest);
            return StubHandler.Json(JsonSerializer.Serialize(ids.SelectMany(id => ShipmentTotals.GetValueOrDefault(id) ?? []).ToList(), TesseraJson.Options));
        }
        return new HttpResponseMessage(HttpStatusCode.NotFound);
    }

    /// <summary>The tenant the caller's token is for (finance forwards the caller's user and tenant).</summary>
    private static string TenantOf(HttpRequestMessage request)
    {
        var token = request.Headers.Authorization?.Parameter ?? "";
        var payload = token.Split('.').ElementAtOrDefault(token.Count(c => c == '.') >= 2 ? 1 : 0) ?? "";
        try
        {
            var json = System.Text.Encoding.UTF8.GetString(Base64Url(payload));
            return JsonDocument.Parse(json).RootElement.GetProperty("tid").GetString() ?? "";
        }
        catch (Exception ex) when (ex is FormatException or JsonException or KeyNotFoundException or ArgumentException)
        {
            return "";
        }
    }

    private static byte[] Base64Url(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded.PadRight(padded.Length + (4 - padded.Length % 4) % 4, '='));
    }
}
