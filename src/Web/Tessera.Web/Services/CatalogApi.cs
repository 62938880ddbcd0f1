using System.Net.Http.Headers;
using System.Net.Http.Json;
using Tessera.Catalog.Contracts;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Json;

namespace Tessera.Web.Services;

public sealed record ProductInput(string Sku, string Name, string Category, string Unit, decimal? Price, string Currency);

public sealed class CatalogApi(HttpClient http)
{
    private const int BatchSize = 200;

    public async Task<PagedResult<ProductDto>> ListAsync(string? search, string? category, int page, int pageSize, CancellationToken cancellationToken) =>
        (await http.GetFromJsonAsync<PagedResult<ProductDto>>(
            "/api/catalog/products?" + HttpExtensions.Query(("search", search), ("category", category), ("page", page), ("pageSize", pageSize)),
            TesseraJson.Options, cancellationToken))!;

    public async Task<IReadOnlyList<string>> CategoriesAsync(CancellationToken cancellationToken) =>
        (await http.GetFromJsonAsync<List<string>>("/api/catalog/categories", TesseraJson.Options, cancellationToken))!;

    /// <summary>Products by SKU in one batch call per 200 SKUs; a page of a list never makes one call per row.</summary>
    public async Task<IReadOnlyDictionary<string, ProductDto>> BySkusAsync(IEnumerable<string> skus, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, ProductDto>(StringComparer.Ordinal);
        foreach (var chunk in skus.Distinct().Chunk(BatchSize))
        {
            var page = await http.GetFromJsonAsync<PagedResult<ProductDto>>(
                "/api/catalog/products?skus=" + string.Join(',', chunk.Select(Uri.EscapeDataString)), TesseraJson.Options, cancellationToken);
            foreach (var product in page!.Items)
                found[product.Sku] = product;
        }
        return found;
    }

    public async Task<ProductDto?> GetAsync(string sku, CancellationToken cancellationToken) =>
        await (await http.GetAsync($"/api/catalog/products/{Uri.EscapeDataString(sku)}", cancellationToken)).ReadOrNullAsync<ProductDto>(cancellationToken);

    public async Task<ApiResult<ProductDto>> CreateAsync(ProductInput input, CancellationToken cancellationToken) =>
        await ApiResult<ProductDto>.ReadAsync(await http.PostAsJsonAsync("/api/catalog/products", input, TesseraJson.Options, cancellationToken), cancellationToken);

    /// <summary>Updates only if the product is still at <paramref name="version"/> (If-Match); 412 otherwise.</summary>
    public async Task<ApiResult<ProductDto>> UpdateAsync(string sku, ProductInput input, long version, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/catalog/products/{Uri.EscapeDataString(sku)}")
            .WithJson(new { input.Name, input.Category, input.Unit, input.Price, input.Currency });
        request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{version}\""));
        return await ApiResult<ProductDto>.ReadAsync(await http.SendAsync(request, cancellationToken), cancellationToken);
    }
}
