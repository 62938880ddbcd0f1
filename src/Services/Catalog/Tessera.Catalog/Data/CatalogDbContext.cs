using Microsoft.EntityFrameworkCore;
using Tessera.Catalog.Domain;
using Tessera.Messaging;
using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.Catalog.Data;

public sealed class CatalogDbContext(DbContextOptions<CatalogDbContext> options, ITenantContext tenant, WriteGate gate)
    : ServiceDbContext(options, tenant, gate)
{
    public DbSet<Product> Products => Set<Product>();

    protected override void ConfigureModel(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyMessagingModel();
        modelBuilder.Entity<Product>(e =>
        {
            e.ToTable("products");
            e.HasKey(p => p.Id);
            e.HasIndex(p => new { p.TenantId, p.Sku }).IsUnique();
        });
    }
}
