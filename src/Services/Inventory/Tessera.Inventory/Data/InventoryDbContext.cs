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
    public DbSet<StockLevel> Stock => Set<StockLevel>();
    public DbSet<Movement> Movements => Set<Movement>();
    public DbSet<Receipt> Receipts => Set<Receipt>();
    public DbSet<Reservation> Reservations => Set<Reservation>();

    protected override void ConfigureModel(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyMessagingModel();
        modelBuilder.Entity<Warehouse>(e =>
        {
            e.ToTable("warehouses");
            e.HasIndex(w => new { w.TenantId, w.Code }).IsUnique();
        });
        modelBuilder.Entity<StockLevel>(e =>
        {
            e.ToTable("stock_levels");
            e.HasIndex(s => new { s.TenantId, s.Sku, s.Warehouse }).IsUnique();
            e.Ignore(s => s.Available);
        });
        modelBuilder.Entity<Movement>(e =>
        {
            e.ToTable("movements");
            e.Property(m => m.Type).HasConversion<string>();
        });
        modelBuilder.Entity<Receipt>(e => e.ToTable("receipts"));
        modelBuilder.Entity<Reservation>(e =>
        {
            e.ToTable("reservations");
            e.Property(r => r.Status).HasConversion<string>();
        });
    }
}
