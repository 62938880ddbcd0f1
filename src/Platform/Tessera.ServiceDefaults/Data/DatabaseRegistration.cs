using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tessera.ServiceDefaults.Data.Backup;
using Tessera.ServiceDefaults.Hosting;
using Tessera.ServiceDefaults.Telemetry;
using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.ServiceDefaults.Data;

public enum DatabaseProvider
{
    /// <summary>One file per database under the data folder (the single-machine profile).</summary>
    Sqlite,

    /// <summary>A PostgreSQL database per service (the scale-out profile, docs/adr/0024).</summary>
    Postgres,
}

public sealed class DatabaseOptions
{
    public const string Section = "Tessera:Database";

    /// <summary>"sqlite" (default) or "postgres"; the same binaries run on either.</summary>
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>
    /// Full connection string of the service's database. Required for PostgreSQL; for SQLite, when empty, the service
    /// uses &lt;data&gt;/&lt;service&gt;.db.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Connection strings of a service's second databases by name (orders-archive). On PostgreSQL one that is not given
    /// lives in its own schema of the service's database (the name with '-' as '_').
    /// </summary>
    public Dictionary<string, string> ConnectionStrings { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public bool IsPostgres => Provider == DatabaseProvider.Postgres;
}

/// <summary>The migration scripts of one service database; registered once per DbContext type.</summary>
public sealed class DatabaseMigrations<TContext>(MigrationCatalog catalog) where TContext : ServiceDbContext
{
    public MigrationCatalog Catalog { get; } = catalog;
}

public static class DatabaseRegistration
{
    /// <summary>The service's own database: &lt;data&gt;/&lt;service&gt;.db, with the platform's tables and the service's migrations.</summary>
    public static IHostApplicationBuilder AddServiceDatabase<TContext>(this IHostApplicationBuilder builder, Action<MigrationCatalog> migrations)
        where TContext : ServiceDbContext
    {
        var catalog = new MigrationCatalog().Add("platform", typeof(ServiceDbContext).Assembly);
        migrations(catalog);
        builder.Services.AddScoped<ServiceDbContext>(sp => sp.GetRequiredService<TContext>());
        builder.Services.AddHostedService<IdempotencyKeyCleanup<TContext>>();
        return AddDatabase<TContext>(builder, catalog, fileName: null, healthCheck: "database");
    }

    /// <summary>
    /// A second database a service owns (its archive): &lt;data&gt;/&lt;fileName&gt;.db with its own migrations. Messaging and
    /// idempotency stay in the service's own database.
    /// </summary>
    public static IHostApplicationBuilder AddSecondaryDatabase<TContext>(this IHostApplicationBuilder builder, string fileName, Action<MigrationCatalog> migrations)
        where TContext : ServiceDbContext
    {
        var catalog = new MigrationCatalog();
        migrations(catalog);
        return AddDatabase<TContext>(builder, catalog, fileName, healthCheck: "database:" + fileName);
    }

    private static IHostApplicationBuilder AddDatabase<TContext>(IHostApplicationBuilder builder, MigrationCatalog catalog, string? fileName, string healthCheck)
        where TContext : ServiceDbContext
    {
        builder.Services.Configure<DatabaseOptions>(builder.Configuration.GetSection(DatabaseOptions.Section));
        builder.Services.AddSingleton(new DatabaseMigrations<TContext>(catalog));
        var postgres = builder.Configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>()?.IsPostgres == true;
        // One gate for every database of the process: writes to two of them never nest, so sharing it is safe. On
        // PostgreSQL several instances write at once, so a process-local gate would protect nothing: the database's own
        // locks do (row locks, advisory locks; docs/adr/0024).
        builder.Services.TryAddSingleton(new WriteGate(enabled: !postgres));
        builder.Services.TryAddSingleton<SqlitePragmas>();
        builder.Services.TryAddSingleton<RowLocks>();
        // The options are built once per process, not once per unit of work: every inbox group, feed page and request
        // creates a context, and rebuilding its options (and the connection string, with its folder check) each time
        // was a measurable share of a busy service's CPU.
        builder.Services.AddDbContext<TContext>((sp, options) =>
        {
            if (postgres)
            {
                options.UseNpgsql(PostgresConnectionString(sp, fileName), npgsql => npgsql.UseParameterizedCollectionMode(ParameterTranslationMode.Parameter));
                options.AddInterceptors(sp.GetRequiredService<RowLocks>());
            }
            else
            {
                // A list in a query (ids.Contains(x.Id)) goes as one JSON parameter, so the SQL is the same whatever its
                // length and is generated once: EF 10's default, one parameter per element, made EF write the SQL again on
                // every run of such a query — a feed page, an inbox page — which cost more than executing it.
                options.UseSqlite(ConnectionString(sp, fileName), sqlite => sqlite.UseParameterizedCollectionMode(ParameterTranslationMode.Parameter));
                options.AddInterceptors(sp.GetRequiredService<SqlitePragmas>());
            }
            options.AddInterceptors(sp.GetServices<IInterceptor>());
        }, ServiceLifetime.Scoped, ServiceLifetime.Singleton);
        builder.Services.AddHealthChecks().AddCheck<DatabaseReadyCheck<TContext>>(healthCheck, tags: ["ready"]);
        builder.Services.AddSingleton(new BackupSource(sp => postgres
            ? throw new InvalidOperationException(
                "This service keeps its data in PostgreSQL, which tessera backup does not copy yet: back its database up with pg_dump (docs/operations.md).")
            : ConnectionString(sp, fileName)));
        builder.Services.TryAddSingleton<DatabaseSnapshots>();
        return builder;
    }

    /// <summary>
    /// The PostgreSQL connection string of the service's database, or of its second database <paramref name="name"/>:
    /// its own when configured, otherwise a schema of that name in the service's database.
    /// </summary>
    public static string PostgresConnectionString(IServiceProvider services, string? name = null)
    {
        var options = services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
            throw new InvalidOperationException(
                $"{DatabaseOptions.Section}:Provider is postgres but no connection string is set. Set {DatabaseOptions.Section}:ConnectionString " +
                "(environment variable Tessera__Database__ConnectionString).");
        if (name is null)
            return options.ConnectionString;
        if (options.ConnectionStrings.TryGetValue(name, out var own) && !string.IsNullOrWhiteSpace(own))
            return own;
        return new Npgsql.NpgsqlConnectionStringBuilder(options.ConnectionString) { SearchPath = SchemaFor(name) }.ConnectionString;
    }

    /// <summary>The schema a second database lives in when it shares the service's PostgreSQL database.</summary>
    public static string SchemaFor(string name) => name.Replace('-', '_');

    public static string ConnectionString(IServiceProvider services, string? fileName = null)
    {
        var configured = services.GetRequiredService<IOptions<DatabaseOptions>>().Value.ConnectionString;
        if (!string.IsNullOrWhiteSpace(configured) && fileName is null)
            return configured;
        var tessera = services.GetRequiredService<IOptions<TesseraOptions>>().Value;
        var dataDir = tessera.ResolveDataDir();
        FilePermissions.OwnerOnlyFolderAt(dataDir);
        return $"Data Source={Path.Combine(dataDir, (fileName ?? tessera.ServiceName) + ".db")};Pooling=True;Default Timeout=30";
    }

    /// <summary>Applies pending migrations before the service takes traffic.</summary>
    public static async Task MigrateDatabaseAsync<TContext>(this WebApplication app, CancellationToken cancellationToken = default)
        where TContext : ServiceDbContext
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        if (db.Database.IsSqlite() && db.Database.GetDbConnection().DataSource is { Length: > 0 } file && Path.GetDirectoryName(Path.GetFullPath(file)) is { } folder)
            FilePermissions.RestrictExisting(folder, Path.GetFileName(file) + "*");
        var catalog = scope.ServiceProvider.GetRequiredService<DatabaseMigrations<TContext>>().Catalog;
        var applied = await MigrationRunner.ApplyAsync(db, catalog, cancellationToken);
        if (applied.Count > 0)
            app.Logger.LogInformation("Applied {Count} migrations: {Migrations}", applied.Count, string.Join(", ", applied));
    }
}

/// <summary>Ready means: the database answers and every migration script is applied.</summary>
internal sealed class DatabaseReadyCheck<TContext>(IServiceScopeFactory scopes) : IHealthCheck where TContext : ServiceDbContext
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<TContext>();
            var catalog = scope.ServiceProvider.GetRequiredService<DatabaseMigrations<TContext>>().Catalog;
            var pending = await MigrationRunner.PendingAsync(db, catalog, cancellationToken);
            return pending.Count == 0
                ? HealthCheckResult.Healthy("Database reachable; migrations applied.")
                : HealthCheckResult.Unhealthy($"Migrations pending: {string.Join(", ", pending)}");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("Database unreachable.", ex);
        }
    }
}

/// <summary>Idempotency keys are kept seven days, far longer than any client retries a request.</summary>
internal sealed class IdempotencyKeyCleanup<TContext>(Standby standby, IServiceScopeFactory scopes, TimeProvider clock, ILogger<IdempotencyKeyCleanup<TContext>> logger)
    : BackgroundService where TContext : ServiceDbContext
{
    private static readonly TimeSpan Retention = TimeSpan.FromDays(7);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await standby.UntilActiveAsync(stoppingToken))
            return;
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), clock);
        do
        {
            var run = TesseraTelemetry.Job("idempotency-cleanup");
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<TContext>();
                var cutoff = clock.GetUtcNow() - Retention;
                await using var tx = await db.BeginWriteAsync(stoppingToken);
                var removed = await db.IdempotencyRecords.IgnoreQueryFilters().Where(r => r.CreatedAt < cutoff).ExecuteDeleteAsync(stoppingToken);
                await tx.CommitAsync(stoppingToken);
                if (removed > 0)
                    logger.LogInformation("Removed {Count} expired idempotency keys", removed);
                run.Succeeded();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                run.Failed();
                logger.LogWarning(ex, "Idempotency key cleanup failed; will retry");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
