using System.Collections.Concurrent;
using System.Text.Json;
using System.Web;
using Tessera.Catalog.Contracts;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Json;

namespace Tessera.Testing;

/// <summary>The catalog's batch lookup (GET /api/catalog/products?skus=…) answered from <see cref="Products"/>, for services that call it.</summary>
public sealed class CatalogStub
{
    public CatalogStub() => Handler = new StubHandler(Answer);

    /// <summary>SKU → product name.</summary>
    public ConcurrentDictionary<string, string> Products { get; } = new();

    public StubHandler Handler { get; }

    public bool Down
    {
        get => Handler.Down;
        set => Handler.Down = value;
    }

    public string Add(string name = "Test product")
    {
        var sku = "SKU-" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        Products[sku] = name;
        return sku;
    }

    private HttpResponseMessage Answer(HttpRequestMessage request)
    {
        var skus = (HttpUtility.ParseQueryString(request.RequestUri!.Query)["skus"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries);
        var found = skus.Where(Products.ContainsKey)
            .Select(s => new ProductDto(Guid.NewGuid(), s, Products[s], "Test", "pcs", 1m, "VND", 1, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow))
            .ToList();
        return StubHandler.Json(JsonSerializer.Serialize(new PagedResult<ProductDto>(found, 1, Math.Max(1, found.Count), found.Count), TesseraJson.Options));
    }
}
