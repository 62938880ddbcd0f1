using Tessera.Catalog.Contracts;
using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.Catalog.Domain;

public sealed class Product : ITenantOwned, IVersioned
{
    public Guid Id { get; set; }
    public string TenantId { get; set; } = "";
    public string Sku { get; set; } = "";
    public string Name { get; set; } = "";
    public string Category { get; set; } = "";
    public string Unit { get; set; } = "";
    public decimal Price { get; set; }
    public string Currency { get; set; } = "";
    public long Version { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    public ProductDto ToDto() => new(Id, Sku, Name, Category, Unit, Price, Currency, Version, CreatedAt, UpdatedAt);

    public ProductCreated Created() => new(Id, Sku, Name, Category, Unit, Price, Currency, Version);

    public ProductChanged Changed() => new(Id, Sku, Name, Category, Unit, Price, Currency, Version);
}
