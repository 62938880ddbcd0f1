using System.Net.Http.Json;
using Tessera.Inventory.Contracts;
using Tessera.ServiceDefaults.Json;

namespace Tessera.Finance.Features;

/// <summary>
/// What finance asks inventory: the value of stock per warehouse, and what the ledger of movements holds for
/// shipments (sales-out and returns to origin), in batches of 200 — for the valuation report and I6.
/// </summary>
public sealed class InventoryClient(HttpClient http)
{
    public const int Batch = 200;

    public async Task<IReadOnlyList<WarehouseValueDto>> ValuationAsync(CancellationToken cancellationToken) =>
        await http.GetFromJsonAsync<List<WarehouseValueDto>>("/api/inventory/valuation", TesseraJson.Options, cancellationToken) ?? [];

    public async Task<IReadOnlyList<SourceTotalDto>> SourceTotalsAsync(string sourceType, IEnumerable<string> ids, CancellationToken cancellationToken)
    {
        var totals = new List<SourceTotalDto>();
        foreach (var chunk in ids.Chunk(Batch))
            totals.AddRange(await http.GetFromJsonAsync<List<SourceTotalDto>>(
                $"/api/inventory/source-totals?sourceType={Uri.EscapeDataString(sourceType)}&sourceIds={string.Join(',', chunk)}", TesseraJson.Options,
                cancellationToken) ?? []);
        return totals;
    }
}
