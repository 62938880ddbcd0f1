using Microsoft.EntityFrameworkCore;
using Tessera.Messaging;
using Tessera.Orders.Domain;
using Tessera.Orders.Import;
using Tessera.Orders.Search;
using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.Orders.Data;

public sealed class OrdersDbContext(DbContextOptions<OrdersDbContext> options, ITenantContext tenant, WriteGate gate)
    : ServiceDbContext(options, tenant, gate)
{
    public DbSet<Order> Orders => Set<Order>();
    public DbSet<OrderNumberSequence> NumberSequences => Set<OrderNumberSequence>();
    public DbSet<KnownProduct> KnownProducts => Set<KnownProduct>();
    public DbSet<AttributeDefinition> AttributeDefinitions => Set<AttributeDefinition>();
    public DbSet<OrderImport> Imports => Set<OrderImport>();
    public DbSet<ImportRejection> ImportRejections => Set<ImportRejection>();

    protected override void ConfigureModel(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyMessagingModel();
        modelBuilder.ApplySearchModel();
        modelBuilder.Entity<Order>(e =>
        {
            e.ToTable("orders");
            e.HasKey(o => o.Id);
            e.Property(o => o.Status).HasConversion<string>();
            e.Property(o => o.PaymentStatus).HasConversion<string>();
            e.ComplexProperty(o => o.Customer);
            e.ComplexProperty(o => o.Shipping);
            e.HasMany(o => o.Lines).WithOne().HasForeignKey(l => l.OrderId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(o => o.History).WithOne().HasForeignKey(h => h.OrderId);
            e.HasMany(o => o.Timeline).WithOne().HasForeignKey(t => t.OrderId);
            e.Ignore(o => o.IsEditable);
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
        modelBuilder.Entity<OrderTimelineEntry>(e =>
        {
            e.ToTable("order_timeline");
            e.HasKey(t => t.Id);
        });
        modelBuilder.Entity<AttributeDefinition>(e =>
        {
            e.ToTable("attribute_definitions");
            e.HasKey(a => new { a.TenantId, a.Name });
            e.Property(a => a.Type).HasConversion<string>();
            e.Ignore(a => a.Allowed);
        });
        modelBuilder.Entity<OrderImport>(e =>
        {
            e.ToTable("order_imports");
            e.Property(i => i.Status).HasConversion<string>();
        });
        modelBuilder.Entity<ImportRejection>(e => e.ToTable("order_import_rejections"));
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
