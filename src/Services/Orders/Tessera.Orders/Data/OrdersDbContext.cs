using Microsoft.EntityFrameworkCore;
using Tessera.Messaging;
using Tessera.Orders.Domain;
using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.Orders.Data;

public sealed class OrdersDbContext(DbContextOptions<OrdersDbContext> options, ITenantContext tenant, WriteGate gate)
    : ServiceDbContext(options, tenant, gate)
{
    public DbSet<Order> Orders => Set<Order>();
    public DbSet<OrderNumberSequence> NumberSequences => Set<OrderNumberSequence>();
    public DbSet<KnownProduct> KnownProducts => Set<KnownProduct>();

    protected override void ConfigureModel(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyMessagingModel();
        modelBuilder.Entity<Order>(e =>
        {
            e.ToTable("orders");
            e.HasKey(o => o.Id);
            e.Property(o => o.Status).HasConversion<string>();
            e.ComplexProperty(o => o.Customer);
            e.HasMany(o => o.Lines).WithOne().HasForeignKey(l => l.OrderId);
            e.HasMany(o => o.History).WithOne().HasForeignKey(h => h.OrderId);
            e.Navigation(o => o.Lines).AutoInclude(false);
        });
        modelBuilder.Entity<OrderLine>(e =>
        {
            e.ToTable("order_lines");
            e.HasKey(l => new { l.OrderId, l.LineNo });
        });
        modelBuilder.Entity<OrderStatusChange>(e =>
        {
            e.ToTable("order_status_history");
            e.HasKey(h => h.Id);
            e.Property(h => h.Status).HasConversion<string>();
        });
        modelBuilder.Entity<OrderNumberSequence>(e =>
        {
            e.ToTable("order_number_sequences");
            e.HasKey(s => s.TenantId);
        });
        modelBuilder.Entity<KnownProduct>(e =>
        {
            e.ToTable("known_products");
            e.HasKey(p => new { p.TenantId, p.Sku });
        });
    }
}
