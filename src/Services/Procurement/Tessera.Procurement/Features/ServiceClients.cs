using System.Net;
using System.Net.Http.Json;
using Tessera.Catalog.Contracts;
using Tessera.Inventory.Contracts;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Errors;
using Tessera.ServiceDefaults.Json;

namespace Tessera.Procurement.Features;

/// <summary>Asks the catalog which SKUs exist: one batch call per 200 SKUs, never one per line.</summary>
public sealed class CatalogSkus(HttpClient http)
{
    public const int Batch = 200;

    public async Task<IReadOnlySet<string>> ExistingAsync(IEnumerable<string> skus, CancellationToken cancellationToken)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in skus.Distinct(StringComparer.Ordinal).Chunk(Batch))
        {
            var query = string.Join(',', chunk.Select(Uri.EscapeDataString));
            var page = await http.GetFromJsonAsync<PagedResult<ProductDto>>($"/api/catalog/products?skus={query}", TesseraJson.Options, cancellationToken);
            found.UnionWith(page?.Items.Select(p => p.Sku) ?? []);
        }
        return found;
    }
}

/// <summary>What procurement asks of inventory: whether a warehouse exists, and the ledger's totals per source document (I8).</summary>
public sealed class InventoryLedger(HttpClient http)
{
    public const int SourceBatch = 200;

    /// <summary>The warehouse, or null when inventory says it does not exist.</summary>
    public async Task<WarehouseDto?> WarehouseAsync(string code, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync($"/api/inventory/warehouses/{Uri.EscapeDataString(code)}", cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
            return null;
        return response.IsSuccessStatusCode
            ? await response.Content.ReadFromJsonAsync<WarehouseDto>(TesseraJson.Options, cancellationToken)
            : throw new DependencyUnavailableException("inventory", new HttpRequestException($"Inventory answered {(int)response.StatusCode} for warehouse '{code}'."));
    }

    /// <summary>The ledger's signed totals of <paramref name="sourceIds"/>, in batches of at most 200 ids per call.</summary>
    public async Task<IReadOnlyList<SourceTotalDto>> SourceTotalsAsync(string sourceType, IEnumerable<string> sourceIds, CancellationToken cancellationToken)
    {
        var totals = new List<SourceTotalDto>();
        foreach (var chunk in sourceIds.Distinct(StringComparer.Ordinal).Chunk(SourceBatch))
        {
            using var response = await http.GetAsync(
                $"/api/inventory/source-totals?sourceType={Uri.EscapeDataString(sourceType)}&sourceIds={string.Join(',', chunk.Select(Uri.EscapeDataString))}",
                cancellationToken);
            if (!response.IsSuccessStatusCode)
                throw new DependencyUnavailableException("inventory",
                    new HttpRequestException($"Inventory answered {(int)response.StatusCode} to the source totals request."));
            totals.AddRange(await response.Content.ReadFromJsonAsync<List<SourceTotalDto>>(TesseraJson.Options, cancellationToken) ?? []);
        }
        return totals;
    }
}
