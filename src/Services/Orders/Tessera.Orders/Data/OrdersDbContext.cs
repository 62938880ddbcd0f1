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
    public DbSet<OrderFulfilment> Fulfilments => Set<OrderFulfilment>();
    public DbSet<FulfilmentAlert> FulfilmentAlerts => Set<FulfilmentAlert>();
    public DbSet<FulfilmentShipment> FulfilmentShipments => Set<FulfilmentShipment>();
    public DbSet<Customer> Customers => Set<Customer>();
    public DbSet<CustomerNameToken> CustomerNameTokens => Set<CustomerNameToken>();

    private bool _projecting;

    /// <summary>
    /// Saves, and rewrites the search rows of the orders whose events the save publishes in the same transaction
    /// (<see cref="OrderSearchProjection"/>): the search shows an order as committed, never a moment behind it.
    /// </summary>
    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        if (_projecting)
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        var changed = OrderSearchProjection.Collect(this);
        if (changed.Count == 0)
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        if (!acceptAllChangesOnSuccess)
            throw new NotSupportedException("Saving order events without accepting the changes would write them twice with the search rows.");

        _projecting = true;
        try
        {
            if (Database.CurrentTransaction is not null)
            {
                var saved = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
                await OrderSearchProjection.ProjectAsync(this, changed, cancellationToken);
                return saved;
            }
            await using var transaction = await BeginWriteAsync(cancellationToken);
            var written = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
            await OrderSearchProjection.ProjectAsync(this, changed, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return written;
        }
        finally
        {
            _projecting = false;
        }
    }

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
            e.HasOne(o => o.Fulfilment).WithOne().HasForeignKey<OrderFulfilment>(f => f.OrderId).OnDelete(DeleteBehavior.Cascade);
            e.Ignore(o => o.IsEditable);
        });
        ConfigureFulfilment(modelBuilder);
        modelBuilder.Entity<Customer>(e =>
        {
            e.ToTable("customers");
            e.HasKey(c => c.Id);
            e.Property(c => c.Id).ValueGeneratedNever();
        });
        modelBuilder.Entity<CustomerNameToken>(e =>
        {
            e.ToTable("customer_name_tokens");
            e.HasKey(t => new { t.TenantId, t.Token, t.CustomerId });
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

    private static void ConfigureFulfilment(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<OrderFulfilment>(e =>
        {
            e.ToTable("fulfilments");
            e.HasKey(f => f.OrderId);
            // Ids come from elsewhere (the order, logistics): a new row with its id set is an insert, not an update.
            e.Property(f => f.OrderId).ValueGeneratedNever();
            e.Property(f => f.State).HasConversion<string>();
            // Computed from the stored columns, not mapped.
            e.Ignore(f => f.Notes);
            e.Ignore(f => f.RequestedShipments);
            e.Ignore(f => f.Live);
            e.Ignore(f => f.ExpectedWarehouses);
            e.Ignore(f => f.Awaited);
            e.HasMany(f => f.Shipments).WithOne().HasForeignKey(s => s.OrderId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(f => f.Allocation).WithOne().HasForeignKey(a => a.OrderId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(f => f.Compensations).WithOne().HasForeignKey(c => c.OrderId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(f => f.Alerts).WithOne().HasForeignKey(a => a.OrderId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(f => f.Returns).WithOne().HasForeignKey(r => r.OrderId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(f => f.Movements).WithOne().HasForeignKey(m => m.OrderId).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<FulfilmentShipment>(e =>
        {
            e.ToTable("fulfilment_shipments");
            e.HasKey(s => s.ShipmentId);
            e.Property(s => s.ShipmentId).ValueGeneratedNever();
            e.Property(s => s.Status).HasConversion<string>();
            e.Ignore(s => s.LineList);
        });
        modelBuilder.Entity<FulfilmentAllocation>(e =>
        {
            e.ToTable("fulfilment_allocations");
            e.HasKey(a => new { a.OrderId, a.Sku, a.Warehouse });
        });
        modelBuilder.Entity<FulfilmentCompensation>(e =>
        {
            e.ToTable("fulfilment_compensations");
            e.HasKey(c => c.Id);
            e.HasIndex(c => new { c.OrderId, c.Kind, c.Subject }).IsUnique();
        });
        modelBuilder.Entity<FulfilmentAlert>(e =>
        {
            e.ToTable("fulfilment_alerts");
            e.HasKey(a => a.Id);
            e.HasIndex(a => new { a.OrderId, a.Kind, a.Subject }).IsUnique();
        });
        modelBuilder.Entity<FulfilmentReturn>(e =>
        {
            e.ToTable("fulfilment_returns");
            e.HasKey(r => r.ReturnId);
            e.Property(r => r.ReturnId).ValueGeneratedNever();
            e.Ignore(r => r.AuthorizedList);
            e.Ignore(r => r.ReceivedList);
        });
        modelBuilder.Entity<FulfilmentMovement>(e =>
        {
            e.ToTable("fulfilment_movements");
            e.HasKey(m => new { m.OrderId, m.MovementType, m.SourceType, m.SourceId, m.Warehouse });
        });
    }
}
