namespace Tessera.Catalog.Contracts;

/// <summary>A product as the catalog API returns it. SKU is the key other services use for a product.</summary>
public sealed record ProductDto(
    Guid Id,
    string Sku,
    string Name,
    string Category,
    string Unit,
    decimal Price,
    string Currency,
    long Version,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>A new product exists in the tenant's catalog.</summary>
public sealed record ProductCreated(Guid ProductId, string Sku, string Name, string Category, string Unit, decimal Price, string Currency, long Version);

/// <summary>A product's name, category, unit or price changed; Version orders changes of one product.</summary>
public sealed record ProductChanged(Guid ProductId, string Sku, string Name, string Category, string Unit, decimal Price, string Currency, long Version);
