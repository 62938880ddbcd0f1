using Microsoft.EntityFrameworkCore;
using Tessera.Orders.Archive;
using Tessera.Orders.Search;
using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.Orders.Data;

/// <summary>The archive database (orders-archive.db): closed orders, and their search rows.</summary>
public sealed class OrdersArchiveDbContext(DbContextOptions<OrdersArchiveDbContext> options, ITenantContext tenant, WriteGate gate)
    : ServiceDbContext(options, tenant, gate)
{
    public DbSet<ArchivedOrder> Orders => Set<ArchivedOrder>();

    protected override void ConfigureModel(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplySearchModel();
        modelBuilder.Entity<ArchivedOrder>(e =>
        {
            e.ToTable("archived_orders");
            e.HasKey(o => o.OrderId);
        });
    }
}
