using Microsoft.EntityFrameworkCore;
using Tessera.Finance.Domain;
using Tessera.Messaging;
using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.Finance.Data;

public sealed class FinanceDbContext(DbContextOptions<FinanceDbContext> options, ITenantContext tenant, WriteGate gate)
    : ServiceDbContext(options, tenant, gate)
{
    public DbSet<Books> Books => Set<Books>();
    public DbSet<Account> Accounts => Set<Account>();
    public DbSet<PostingRuleVersion> PostingRules => Set<PostingRuleVersion>();
    public DbSet<JournalEntry> Entries => Set<JournalEntry>();
    public DbSet<JournalLine> Lines => Set<JournalLine>();
    public DbSet<AccountDay> AccountDays => Set<AccountDay>();
    public DbSet<NumberSeries> NumberSeries => Set<NumberSeries>();
    public DbSet<OrderPrices> OrderPrices => Set<OrderPrices>();
    public DbSet<OrderPriceLine> OrderPriceLines => Set<OrderPriceLine>();
    public DbSet<ShipmentRecord> Shipments => Set<ShipmentRecord>();
    public DbSet<CustomerReturnRecord> CustomerReturns => Set<CustomerReturnRecord>();
    public DbSet<Invoice> Invoices => Set<Invoice>();
    public DbSet<InvoiceLine> InvoiceLines => Set<InvoiceLine>();
    public DbSet<CreditNote> CreditNotes => Set<CreditNote>();
    public DbSet<Payment> Payments => Set<Payment>();
    public DbSet<PaymentAllocation> Allocations => Set<PaymentAllocation>();
    public DbSet<PurchaseOrderRecord> PurchaseOrders => Set<PurchaseOrderRecord>();
    public DbSet<PurchaseOrderLineRecord> PurchaseOrderLines => Set<PurchaseOrderLineRecord>();
    public DbSet<ReceivedGoods> ReceivedGoods => Set<ReceivedGoods>();
    public DbSet<Bill> Bills => Set<Bill>();
    public DbSet<FiscalYear> FiscalYears => Set<FiscalYear>();
    public DbSet<PeriodChange> PeriodChanges => Set<PeriodChange>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        base.ConfigureConventions(configurationBuilder);
        // Ids as lower-case text, so that the journal's hand-written SQL and EF read and write the same values.
        configurationBuilder.Properties<Guid>().HaveConversion<GuidText>();
        configurationBuilder.Properties<Guid?>().HaveConversion<GuidText>();
    }

    protected override void ConfigureModel(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyMessagingModel();
        modelBuilder.Entity<Books>(e =>
        {
            e.ToTable("ledgers");
            e.HasKey(b => b.TenantId);
        });
        modelBuilder.Entity<Account>(e =>
        {
            e.ToTable("accounts");
            e.HasKey(a => new { a.TenantId, a.Code });
        });
        modelBuilder.Entity<PostingRuleVersion>(e =>
        {
            e.ToTable("posting_rules");
            e.HasKey(r => new { r.TenantId, r.Event, r.Version });
        });
        modelBuilder.Entity<JournalEntry>(e =>
        {
            e.ToTable("journal_entries");
            e.HasMany(j => j.Lines).WithOne().HasForeignKey(l => l.EntryId);
        });
        modelBuilder.Entity<JournalLine>(e =>
        {
            e.ToTable("journal_lines");
            e.HasKey(l => new { l.EntryId, l.LineNo });
        });
        modelBuilder.Entity<AccountDay>(e =>
        {
            e.ToTable("account_days");
            e.HasKey(d => new { d.TenantId, d.Account, d.Date, d.Closing });
        });
        modelBuilder.Entity<NumberSeries>(e =>
        {
            e.ToTable("number_series");
            e.HasKey(s => new { s.TenantId, s.Series });
        });
        modelBuilder.Entity<OrderPrices>(e =>
        {
            e.ToTable("order_prices");
            e.HasKey(o => o.OrderId);
            e.HasMany(o => o.Lines).WithOne().HasForeignKey(l => l.OrderId);
        });
        modelBuilder.Entity<OrderPriceLine>(e =>
        {
            e.ToTable("order_price_lines");
            e.HasKey(l => new { l.OrderId, l.LineNo });
            e.Ignore(l => l.Net);
        });
        modelBuilder.Entity<ShipmentRecord>(e =>
        {
            e.ToTable("shipments");
            e.HasKey(s => s.ShipmentId);
            e.Ignore(s => s.State);
            e.Ignore(s => s.Waiting);
        });
        modelBuilder.Entity<CustomerReturnRecord>(e =>
        {
            e.ToTable("customer_returns");
            e.HasKey(r => r.ReturnId);
        });
        modelBuilder.Entity<Invoice>(e =>
        {
            e.ToTable("invoices");
            e.HasMany(i => i.Lines).WithOne().HasForeignKey(l => l.InvoiceId);
            e.Ignore(i => i.Outstanding);
            e.Ignore(i => i.Status);
        });
        modelBuilder.Entity<InvoiceLine>(e =>
        {
            e.ToTable("invoice_lines");
            e.HasKey(l => new { l.InvoiceId, l.LineNo });
            e.Ignore(l => l.Total);
        });
        modelBuilder.Entity<CreditNote>(e =>
        {
            e.ToTable("credit_notes");
            e.HasMany(c => c.Lines).WithOne().HasForeignKey(l => l.CreditNoteId);
        });
        modelBuilder.Entity<CreditNoteLine>(e =>
        {
            e.ToTable("credit_note_lines");
            e.HasKey(l => new { l.CreditNoteId, l.LineNo });
        });
        modelBuilder.Entity<Payment>(e =>
        {
            e.ToTable("payments");
            e.HasMany(p => p.Allocations).WithOne().HasForeignKey(a => a.PaymentId);
            e.Ignore(p => p.Unallocated);
        });
        modelBuilder.Entity<PaymentAllocation>(e =>
        {
            e.ToTable("payment_allocations");
            e.HasKey(a => new { a.PaymentId, a.LineNo });
        });
        modelBuilder.Entity<PurchaseOrderRecord>(e =>
        {
            e.ToTable("purchase_orders");
            e.HasKey(p => p.PurchaseOrderId);
            e.HasMany(p => p.Lines).WithOne().HasForeignKey(l => l.PurchaseOrderId);
        });
        modelBuilder.Entity<PurchaseOrderLineRecord>(e =>
        {
            e.ToTable("purchase_order_lines");
            e.HasKey(l => new { l.PurchaseOrderId, l.LineNo });
        });
        modelBuilder.Entity<ReceivedGoods>(e =>
        {
            e.ToTable("received_goods");
            e.HasKey(r => r.ReceiptId);
        });
        modelBuilder.Entity<Bill>(e =>
        {
            e.ToTable("bills");
            e.HasMany(b => b.Lines).WithOne().HasForeignKey(l => l.BillId);
            e.Ignore(b => b.Outstanding);
            e.Ignore(b => b.Reasons);
        });
        modelBuilder.Entity<BillLine>(e =>
        {
            e.ToTable("bill_lines");
            e.HasKey(l => new { l.BillId, l.LineNo });
        });
        modelBuilder.Entity<FiscalYear>(e =>
        {
            e.ToTable("fiscal_years");
            e.HasKey(y => new { y.TenantId, y.Year });
            e.Ignore(y => y.Start);
            e.Ignore(y => y.End);
        });
        modelBuilder.Entity<PeriodChange>(e =>
        {
            e.ToTable("period_changes");
            e.Property(c => c.Id).ValueGeneratedOnAdd();
        });
    }
}

/// <summary>A posting rule as a tenant has it: one version of the lines of one posting event.</summary>
public sealed class PostingRuleVersion : ITenantOwned
{
    public string TenantId { get; set; } = "";
    public string Event { get; set; } = "";
    public int Version { get; set; }
    public string Lines { get; set; } = "[]";
    public DateTimeOffset EffectiveFrom { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public string CreatedBy { get; set; } = "";
    public string? Note { get; set; }
}

public sealed class GuidText() : Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<Guid, string>(
    v => v.ToString("D"),
    v => Guid.Parse(v));
