using Microsoft.EntityFrameworkCore;
using Tessera.Inventory.Domain;
using Tessera.Messaging;
using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.Inventory.Data;

public sealed class InventoryDbContext(DbContextOptions<InventoryDbContext> options, ITenantContext tenant, WriteGate gate)
    : ServiceDbContext(options, tenant, gate)
{
    public DbSet<Warehouse> Warehouses => Set<Warehouse>();
    public DbSet<Bin> Bins => Set<Bin>();
    public DbSet<StockLevel> Stock => Set<StockLevel>();
    public DbSet<BinStock> BinStock => Set<BinStock>();
    public DbSet<Movement> Movements => Set<Movement>();
    public DbSet<Receipt> Receipts => Set<Receipt>();
    public DbSet<Issue> Issues => Set<Issue>();
    public DbSet<Reservation> Reservations => Set<Reservation>();
    public DbSet<InventorySettings> Settings => Set<InventorySettings>();
    public DbSet<DocumentCounter> Counters => Set<DocumentCounter>();
    public DbSet<Transfer> Transfers => Set<Transfer>();
    public DbSet<TransferLine> TransferLines => Set<TransferLine>();
    public DbSet<CountSession> Counts => Set<CountSession>();
    public DbSet<CountLine> CountLines => Set<CountLine>();

    protected override void ConfigureModel(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyMessagingModel();
        modelBuilder.Entity<Warehouse>(e =>
        {
            e.ToTable("warehouses");
            e.HasIndex(w => new { w.TenantId, w.Code }).IsUnique();
        });
        modelBuilder.Entity<Bin>(e =>
        {
            e.ToTable("bins");
            e.HasIndex(b => new { b.TenantId, b.Warehouse, b.Code }).IsUnique();
        });
        modelBuilder.Entity<StockLevel>(e =>
        {
            e.ToTable("stock_levels");
            e.HasIndex(s => new { s.TenantId, s.Sku, s.Warehouse }).IsUnique();
            e.Ignore(s => s.Available);
            e.Ignore(s => s.Position);
        });
        modelBuilder.Entity<BinStock>(e =>
        {
            e.ToTable("bin_stock");
            e.HasIndex(b => new { b.TenantId, b.Warehouse, b.Bin, b.Sku }).IsUnique();
        });
        modelBuilder.Entity<Movement>(e =>
        {
            e.ToTable("movements");
            e.Property(m => m.Type).HasConversion<string>();
        });
        modelBuilder.Entity<Receipt>(e => e.ToTable("receipts"));
        modelBuilder.Entity<Issue>(e =>
        {
            e.ToTable("issues");
            e.Property(i => i.Type).HasConversion<string>();
        });
        modelBuilder.Entity<Reservation>(e =>
        {
            e.ToTable("reservations");
            e.Property(r => r.Status).HasConversion<string>();
        });
        modelBuilder.Entity<InventorySettings>(e =>
        {
            e.ToTable("inventory_settings");
            e.HasKey(s => s.TenantId);
            e.Ignore(s => s.ReservationHold);
        });
        modelBuilder.Entity<DocumentCounter>(e =>
        {
            e.ToTable("document_counters");
            e.HasKey(c => new { c.TenantId, c.Kind });
        });
        modelBuilder.Entity<Transfer>(e =>
        {
            e.ToTable("transfers");
            e.Property(t => t.Status).HasConversion<string>();
            e.HasIndex(t => new { t.TenantId, t.Number }).IsUnique();
            e.HasMany(t => t.Lines).WithOne().HasForeignKey(l => l.TransferId);
            e.Ignore(t => t.CanShip);
            e.Ignore(t => t.CanReceive);
            e.Ignore(t => t.CanCancel);
        });
        modelBuilder.Entity<TransferLine>(e =>
        {
            e.ToTable("transfer_lines");
            e.Ignore(l => l.InTransit);
            e.Ignore(l => l.InTransitValue);
        });
        modelBuilder.Entity<CountSession>(e =>
        {
            e.ToTable("count_sessions");
            e.Property(c => c.Status).HasConversion<string>();
            e.HasIndex(c => new { c.TenantId, c.Number }).IsUnique();
            e.HasMany(c => c.Lines).WithOne().HasForeignKey(l => l.CountId);
            e.Ignore(c => c.IsOpen);
        });
        modelBuilder.Entity<CountLine>(e =>
        {
            e.ToTable("count_lines");
            e.HasIndex(l => new { l.CountId, l.Sku }).IsUnique();
            e.Ignore(l => l.PendingDifference);
            e.Ignore(l => l.MovedSinceFreeze);
        });
    }
}
