using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Tessera.ServiceDefaults.Idempotency;
using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.ServiceDefaults.Data;

/// <summary>
/// Base of every service's DbContext: a tenant filter on every tenant-owned entity, the tenant stamped on new rows,
/// row versions bumped on change, and writes serialized through the service's <see cref="WriteGate"/>.
/// </summary>
public abstract partial class ServiceDbContext : DbContext
{
    public const string TenantFilter = "tenant";

    private readonly ITenantContext _tenant;
    private readonly WriteGate _gate;

    protected ServiceDbContext(DbContextOptions options, ITenantContext tenant, WriteGate gate) : base(options)
    {
        _tenant = tenant;
        _gate = gate;
    }

    /// <summary>Read by the tenant query filter on every query; EF evaluates it per context instance.</summary>
    public string? CurrentTenantId => _tenant.TenantId;

    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();

    /// <summary>Opens a transaction that holds the write gate until it is committed or disposed.</summary>
    public async Task<WriteTransaction> BeginWriteAsync(CancellationToken cancellationToken = default)
    {
        if (Database.CurrentTransaction is not null)
            throw new InvalidOperationException("A write transaction is already open on this context.");
        var lease = await _gate.AcquireAsync(cancellationToken);
        try
        {
            HoldsCommitOrderLock = false;
            var transaction = await Database.BeginTransactionAsync(cancellationToken);
            return new WriteTransaction(transaction, lease);
        }
        catch
        {
            lease.Dispose();
            throw;
        }
    }

    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        StampChanges();
        var ordered = IsPostgres && ChangeTracker.Entries<ICommitOrdered>().Any(e => e.State == EntityState.Added);
        if (Database.CurrentTransaction is not null)
        {
            if (ordered)
            {
                await LockAsync(CommitOrderLock, cancellationToken);
                HoldsCommitOrderLock = true;
            }
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        }

        using var lease = await _gate.AcquireAsync(cancellationToken);
        if (!ordered)
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        // The lock must cover the insert and last until the commit, so the save gets a transaction of its own here.
        await using var transaction = await Database.BeginTransactionAsync(cancellationToken);
        await LockAsync(CommitOrderLock, cancellationToken);
        var saved = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return saved;
    }

    /// <summary>The advisory lock that keeps <see cref="ICommitOrdered"/> rows committing in key order on PostgreSQL.</summary>
    private const string CommitOrderLock = "tessera:commit-ordered";

    /// <summary>
    /// The open write transaction holds the commit-order lock (PostgreSQL): it should commit without waiting for any
    /// other lock first. Every writer that publishes waits for this one, so a transaction that holds it and then waits
    /// for a lock such a writer holds is a deadlock (an inbox group ends here, ADR 0024).
    /// </summary>
    public bool HoldsCommitOrderLock { get; private set; }

    public override int SaveChanges(bool acceptAllChangesOnSuccess) =>
        throw new NotSupportedException("Use SaveChangesAsync: writes go through the write gate.");

    protected abstract void ConfigureModel(ModelBuilder modelBuilder);

    protected sealed override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<IdempotencyRecord>(IdempotencyRecord.Configure);
        ConfigureModel(modelBuilder);
        Naming.ApplySnakeCaseColumns(modelBuilder.Model);
        if (IsPostgres)
            KeepPlatformGuidsNative(modelBuilder);

        foreach (var entity in modelBuilder.Model.GetEntityTypes().Where(e => e.ClrType is not null && !e.IsOwned()))
        {
            if (typeof(ITenantOwned).IsAssignableFrom(entity.ClrType))
                modelBuilder.Entity(entity.ClrType).HasQueryFilter(TenantFilter, BuildTenantFilter(entity.ClrType));
            if (typeof(IVersioned).IsAssignableFrom(entity.ClrType))
                modelBuilder.Entity(entity.ClrType).Property(nameof(IVersioned.Version)).IsConcurrencyToken();
        }
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite has no date type: UTC ticks keep ordering and range filters in SQL. PostgreSQL stores the same ticks
        // (bigint), so hand-written SQL binds a moment the same way on both and no offset other than UTC ever reaches
        // the database (docs/adr/0024).
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
        configurationBuilder.Properties<DateTimeOffset?>().HaveConversion<UtcTicksConverter>();
    }

    /// <summary>
    /// The platform's tables (idempotency keys, outbox, inbox) are created by scripts shared by every service, so on
    /// PostgreSQL their ids are uuid whatever a service's own conventions make of its Guids (finance keeps its own as text).
    /// </summary>
    private void KeepPlatformGuidsNative(ModelBuilder modelBuilder)
    {
        var serviceAssembly = GetType().Assembly;
        foreach (var entity in modelBuilder.Model.GetEntityTypes().Where(e => e.ClrType.Assembly != serviceAssembly && e.ClrType.Namespace?.StartsWith("Tessera.", StringComparison.Ordinal) == true))
            foreach (var property in entity.GetProperties().Where(p => p.ClrType == typeof(Guid) || p.ClrType == typeof(Guid?)))
                property.SetValueConverter((ValueConverter?)null);
    }

    private LambdaExpression BuildTenantFilter(Type entityType)
    {
        var entity = Expression.Parameter(entityType, "e");
        var rowTenant = Expression.Property(entity, nameof(ITenantOwned.TenantId));
        var current = Expression.Property(Expression.Constant(this), nameof(CurrentTenantId));
        return Expression.Lambda(Expression.Equal(rowTenant, current), entity);
    }

    private void StampChanges()
    {
        foreach (var entry in ChangeTracker.Entries())
        {
            if (entry.Entity is ITenantOwned owned)
            {
                if (entry.State == EntityState.Added && string.IsNullOrEmpty(owned.TenantId))
                    owned.TenantId = CurrentTenantId
                        ?? throw new InvalidOperationException($"Cannot save a new {entry.Entity.GetType().Name} without a tenant.");
                if (entry.State is EntityState.Added or EntityState.Modified or EntityState.Deleted
                    && CurrentTenantId is not null && owned.TenantId != CurrentTenantId)
                    throw new InvalidOperationException($"A {entry.Entity.GetType().Name} of another tenant cannot be written.");
            }

            if (entry is { State: EntityState.Modified, Entity: IVersioned versioned })
                versioned.Version++;
        }
    }
}

public sealed class WriteTransaction(IDbContextTransaction transaction, IDisposable lease) : IAsyncDisposable
{
    public Task CommitAsync(CancellationToken cancellationToken = default) => transaction.CommitAsync(cancellationToken);

    public Task CreateSavepointAsync(string name, CancellationToken cancellationToken = default) => transaction.CreateSavepointAsync(name, cancellationToken);

    public Task RollbackToSavepointAsync(string name, CancellationToken cancellationToken = default) => transaction.RollbackToSavepointAsync(name, cancellationToken);

    public Task ReleaseSavepointAsync(string name, CancellationToken cancellationToken = default) => transaction.ReleaseSavepointAsync(name, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await transaction.DisposeAsync();
        }
        finally
        {
            lease.Dispose();
        }
    }
}

public sealed class UtcTicksConverter() : ValueConverter<DateTimeOffset, long>(
    v => v.UtcTicks,
    v => new DateTimeOffset(v, TimeSpan.Zero));
