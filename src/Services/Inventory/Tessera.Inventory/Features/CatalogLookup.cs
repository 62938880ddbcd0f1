using System.Net.Http.Json;
using Tessera.Catalog.Contracts;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Json;

namespace Tessera.Inventory.Features;

/// <summary>Asks the catalog which SKUs exist, in batches (never one call per line).</summary>
public sealed class CatalogLookup(HttpClient http)
{
    private const int Batch = 200;

    public async Task<IReadOnlySet<string>> ExistingSkusAsync(IReadOnlyCollection<string> skus, CancellationToken cancellationToken)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (var chunk in skus.Distinct().Chunk(Batch))
        {
            var query = string.Join(',', chunk.Select(Uri.EscapeDataString));
            var page = await http.GetFromJsonAsync<PagedResult<ProductDto>>($"/api/catalog/products?skus={query}", TesseraJson.Options, cancellationToken);
            found.UnionWith(page?.Items.Select(p => p.Sku) ?? []);
        }
        return found;
    }
}
