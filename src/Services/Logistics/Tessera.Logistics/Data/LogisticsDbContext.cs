using Microsoft.EntityFrameworkCore;
using Tessera.Logistics.Domain;
using Tessera.Messaging;
using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.Logistics.Data;

public sealed class LogisticsDbContext(DbContextOptions<LogisticsDbContext> options, ITenantContext tenant, WriteGate gate)
    : ServiceDbContext(options, tenant, gate)
{
    public DbSet<Carrier> Carriers => Set<Carrier>();
    public DbSet<Shipment> Shipments => Set<Shipment>();
    public DbSet<ShipmentLine> ShipmentLines => Set<ShipmentLine>();
    public DbSet<ShipmentRequest> Requests => Set<ShipmentRequest>();
    public DbSet<ShipmentRequestLine> RequestLines => Set<ShipmentRequestLine>();
    public DbSet<OrderCancellation> OrderCancellations => Set<OrderCancellation>();
    public DbSet<TrackingUpdate> TrackingUpdates => Set<TrackingUpdate>();
    public DbSet<CustomerReturn> Returns => Set<CustomerReturn>();
    public DbSet<DocumentSequence> Sequences => Set<DocumentSequence>();

    protected override void ConfigureModel(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyMessagingModel();
        modelBuilder.Entity<Carrier>(e =>
        {
            e.ToTable("carriers");
            e.HasIndex(c => new { c.TenantId, c.Code }).IsUnique();
            e.Ignore(c => c.Levels);
        });
        modelBuilder.Entity<Shipment>(e =>
        {
            e.ToTable("shipments");
            e.Property(s => s.Status).HasConversion<string>();
            e.HasMany(s => s.Lines).WithOne().HasForeignKey(l => l.ShipmentId);
            e.HasMany(s => s.Packages).WithOne().HasForeignKey(p => p.ShipmentId);
            e.HasMany(s => s.History).WithOne().HasForeignKey(h => h.ShipmentId);
            e.Ignore(s => s.IsActive);
            e.Ignore(s => s.HasLeft);
            e.Ignore(s => s.ShippedLines);
            e.Ignore(s => s.AllowedActions);
        });
        modelBuilder.Entity<ShipmentLine>(e =>
        {
            e.ToTable("shipment_lines");
            e.HasKey(l => new { l.ShipmentId, l.LineNo });
        });
        modelBuilder.Entity<Package>(e =>
        {
            e.ToTable("packages");
            e.HasKey(p => new { p.ShipmentId, p.PackageNo });
        });
        modelBuilder.Entity<ShipmentHistoryEntry>(e =>
        {
            e.ToTable("shipment_history");
            e.Property(h => h.Status).HasConversion<string>();
        });
        modelBuilder.Entity<ShipmentRequest>(e =>
        {
            e.ToTable("shipment_requests");
            e.HasKey(r => new { r.TenantId, r.OrderId, r.RequestId });
            e.Property(r => r.Outcome).HasConversion<string>();
            e.HasMany(r => r.Lines).WithOne().HasForeignKey(l => new { l.TenantId, l.OrderId, l.RequestId });
        });
        modelBuilder.Entity<ShipmentRequestLine>(e => e.ToTable("shipment_request_lines"));
        modelBuilder.Entity<OrderCancellation>(e =>
        {
            e.ToTable("order_cancellations");
            e.HasKey(c => new { c.TenantId, c.OrderId });
        });
        modelBuilder.Entity<TrackingUpdate>(e =>
        {
            e.ToTable("tracking_updates");
            e.Property(t => t.Status).HasConversion<string>();
        });
        modelBuilder.Entity<CustomerReturn>(e =>
        {
            e.ToTable("customer_returns");
            e.Property(r => r.Status).HasConversion<string>();
            e.HasMany(r => r.Lines).WithOne().HasForeignKey(l => l.ReturnId);
        });
        modelBuilder.Entity<CustomerReturnLine>(e =>
        {
            e.ToTable("customer_return_lines");
            e.HasKey(l => new { l.ReturnId, l.LineNo });
        });
        modelBuilder.Entity<DocumentSequence>(e =>
        {
            e.ToTable("document_sequences");
            e.HasKey(s => new { s.TenantId, s.Kind });
        });
    }
}
