using Microsoft.EntityFrameworkCore;
using Tessera.Messaging;
using Tessera.Procurement.Domain;
using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.Procurement.Data;

public sealed class ProcurementDbContext(DbContextOptions<ProcurementDbContext> options, ITenantContext tenant, WriteGate gate)
    : ServiceDbContext(options, tenant, gate)
{
    public DbSet<Supplier> Suppliers => Set<Supplier>();
    public DbSet<SupplierPrice> SupplierPrices => Set<SupplierPrice>();
    public DbSet<PurchaseOrder> PurchaseOrders => Set<PurchaseOrder>();
    public DbSet<GoodsReceipt> Receipts => Set<GoodsReceipt>();
    public DbSet<GoodsReceiptLine> ReceiptLines => Set<GoodsReceiptLine>();
    public DbSet<SupplierReturn> SupplierReturns => Set<SupplierReturn>();
    public DbSet<SupplierReturnAllocation> ReturnAllocations => Set<SupplierReturnAllocation>();
    public DbSet<ReorderSuggestion> ReorderSuggestions => Set<ReorderSuggestion>();
    public DbSet<ProcurementSettings> Settings => Set<ProcurementSettings>();

    protected override void ConfigureModel(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyMessagingModel();
        modelBuilder.Entity<Supplier>(e =>
        {
            e.ToTable("suppliers");
            e.ComplexProperty(s => s.Contact);
            e.HasIndex(s => new { s.TenantId, s.Code }).IsUnique();
        });
        modelBuilder.Entity<SupplierPrice>(e =>
        {
            e.ToTable("supplier_prices");
            e.HasOne<Supplier>().WithMany().HasForeignKey(p => p.SupplierId);
        });
        modelBuilder.Entity<PurchaseOrder>(e =>
        {
            e.ToTable("purchase_orders");
            e.Property(o => o.Status).HasConversion<string>();
            e.HasOne<Supplier>().WithMany().HasForeignKey(o => o.SupplierId);
            e.HasMany(o => o.Lines).WithOne().HasForeignKey(l => l.PurchaseOrderId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(o => o.History).WithOne().HasForeignKey(h => h.PurchaseOrderId);
            e.Ignore(o => o.IsDraft);
            e.Ignore(o => o.IsReceivable);
        });
        modelBuilder.Entity<PurchaseOrderLine>(e =>
        {
            e.ToTable("purchase_order_lines");
            e.HasKey(l => new { l.PurchaseOrderId, l.LineNo });
            e.Ignore(l => l.Outstanding);
        });
        modelBuilder.Entity<PurchaseOrderStatusChange>(e =>
        {
            e.ToTable("purchase_order_status_history");
            e.Property(h => h.Status).HasConversion<string>();
        });
        modelBuilder.Entity<GoodsReceipt>(e =>
        {
            e.ToTable("goods_receipts");
            e.Property(r => r.Posting).HasConversion<string>();
            e.HasOne<PurchaseOrder>().WithMany().HasForeignKey(r => r.PurchaseOrderId);
            e.HasMany(r => r.Lines).WithOne().HasForeignKey(l => l.ReceiptId);
        });
        modelBuilder.Entity<GoodsReceiptLine>(e =>
        {
            e.ToTable("goods_receipt_lines");
            e.HasKey(l => new { l.ReceiptId, l.LineNo });
            e.Ignore(l => l.Returnable);
        });
        modelBuilder.Entity<SupplierReturn>(e =>
        {
            e.ToTable("supplier_returns");
            e.Property(r => r.Status).HasConversion<string>();
            e.HasOne<Supplier>().WithMany().HasForeignKey(r => r.SupplierId);
            e.HasMany(r => r.Lines).WithOne().HasForeignKey(l => l.ReturnId);
            e.HasMany(r => r.Allocations).WithOne().HasForeignKey(a => a.ReturnId);
            e.Ignore(r => r.AggregateId);
            e.Ignore(r => r.Total);
        });
        modelBuilder.Entity<SupplierReturnLine>(e =>
        {
            e.ToTable("supplier_return_lines");
            e.HasKey(l => new { l.ReturnId, l.LineNo });
        });
        modelBuilder.Entity<SupplierReturnAllocation>(e =>
        {
            e.ToTable("supplier_return_allocations");
            e.HasKey(a => new { a.ReturnId, a.LineNo, a.ReceiptId, a.ReceiptLineNo });
        });
        modelBuilder.Entity<ReorderSuggestion>(e =>
        {
            e.ToTable("reorder_suggestions");
            e.Property(s => s.Status).HasConversion<string>();
            e.Ignore(s => s.IsLive);
        });
        modelBuilder.Entity<NumberSequence>(e =>
        {
            e.ToTable("number_sequences");
            e.HasKey(s => new { s.TenantId, s.Kind });
        });
        modelBuilder.Entity<ProcurementSettings>(e =>
        {
            e.ToTable("procurement_settings");
            e.HasKey(s => s.TenantId);
        });
    }
}
