using Microsoft.EntityFrameworkCore;
using Tessera.Messaging;
using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.Reporting.Data;

/// <summary>
/// reporting.db: the platform's messaging (inbox, checkpoints, the outbox of ReconciliationFailed), events staged for
/// the ODS, and the warehouse's bookkeeping — settings, tenants' own models, runs and their tasks, data test results,
/// reconciliations, alerts, schedules, uploads. The warehouse itself is one DuckDB file per tenant.
/// </summary>
public sealed class ReportingDbContext(DbContextOptions<ReportingDbContext> options, ITenantContext tenant, WriteGate gate)
    : ServiceDbContext(options, tenant, gate)
{
    public DbSet<StagedEvent> StagedEvents => Set<StagedEvent>();
    public DbSet<ReportingSettings> Settings => Set<ReportingSettings>();
    public DbSet<TenantModel> TenantModels => Set<TenantModel>();
    public DbSet<Run> Runs => Set<Run>();
    public DbSet<RunTask> RunTasks => Set<RunTask>();
    public DbSet<TestResult> TestResults => Set<TestResult>();
    public DbSet<ReconciliationResult> Reconciliations => Set<ReconciliationResult>();
    public DbSet<Alert> Alerts => Set<Alert>();
    public DbSet<Schedule> Schedules => Set<Schedule>();
    public DbSet<Upload> Uploads => Set<Upload>();

    protected override void ConfigureModel(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyMessagingModel();
        modelBuilder.Entity<StagedEvent>(e =>
        {
            e.ToTable("ods_staging");
            e.HasKey(s => s.Sequence);
            e.Property(s => s.Sequence).ValueGeneratedOnAdd();
        });
        modelBuilder.Entity<ReportingSettings>(e =>
        {
            e.ToTable("reporting_settings");
            e.HasKey(s => s.TenantId);
        });
        modelBuilder.Entity<TenantModel>(e =>
        {
            e.ToTable("tenant_models");
            e.HasKey(m => new { m.TenantId, m.Name });
        });
        modelBuilder.Entity<Run>(e =>
        {
            e.ToTable("runs");
            e.Property(r => r.Status).HasConversion<string>();
        });
        modelBuilder.Entity<RunTask>(e =>
        {
            e.ToTable("run_tasks");
            e.HasKey(t => new { t.RunId, t.No });
            e.Property(t => t.Status).HasConversion<string>();
            e.HasOne<Run>().WithMany().HasForeignKey(t => t.RunId);
            e.Ignore(t => t.Dates);
        });
        modelBuilder.Entity<TestResult>(e => e.ToTable("test_results"));
        modelBuilder.Entity<ReconciliationResult>(e =>
        {
            e.ToTable("reconciliation_results");
            e.HasKey(r => new { r.TenantId, r.BusinessDate, r.Source, r.Measure });
        });
        modelBuilder.Entity<Alert>(e => e.ToTable("alerts"));
        modelBuilder.Entity<Schedule>(e =>
        {
            e.ToTable("schedules");
            e.HasKey(s => new { s.TenantId, s.Name });
        });
        modelBuilder.Entity<Upload>(e => e.ToTable("uploads"));
    }
}
