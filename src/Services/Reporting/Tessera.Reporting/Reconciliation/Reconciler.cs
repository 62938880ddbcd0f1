using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Tessera.Messaging;
using Tessera.Messaging.Outbox;
using Tessera.Reporting.Contracts;
using Tessera.Reporting.Data;
using Tessera.Reporting.Ods;
using Tessera.Reporting.Runs;
using Tessera.Reporting.Warehouse;

namespace Tessera.Reporting.Reconciliation;

/// <summary>One figure of one day from both sides.</summary>
public sealed record Figure(string Source, string Measure, decimal Warehouse, decimal Service);

/// <summary>
/// Compares, per business date and source, the warehouse's counts and sums with the producing service's own figures:
/// orders placed and revenue per currency with the orders service's daily figures; for every stock document with
/// movements that day, the quantity and value per movement type with inventory's ledger totals of those documents.
/// Each result is stored with its diff rate; one beyond the tenant's threshold raises an alert and publishes
/// ReconciliationFailed, in the same transaction (the outbox), once per change of the figures.
/// </summary>
public sealed class Reconciler(
    ReportingDbContext db,
    TenantWarehouses warehouses,
    TenantDirectory tenants,
    OrdersFigures orders,
    InventoryFigures inventory,
    IOutbox outbox,
    TimeProvider clock,
    ILogger<Reconciler> logger)
{
    public const string SalesModel = "ads_sales_daily";
    public const string MovementsModel = "dwd_stock_movements";
    public const int MaxDaysAfterRun = 7;
    public const string OrdersSource = "orders";
    public const string InventorySource = "inventory";

    public async Task<IReadOnlyList<ReconciliationResult>> ReconcileAsync(string tenant, IReadOnlyList<DateOnly> dates, CancellationToken cancellationToken)
    {
        var settings = await tenants.SettingsAsync(tenant, cancellationToken);
        var results = new List<ReconciliationResult>();
        foreach (var date in dates.Distinct().Order())
        {
            var figures = new List<Figure>();
            figures.AddRange(await OrdersAsync(tenant, date, settings.TimeZone, cancellationToken));
            figures.AddRange(await InventoryAsync(tenant, date, cancellationToken));
            results.AddRange(await StoreAsync(date, figures, settings.ReconciliationThreshold, cancellationToken));
        }
        return results;
    }

    public static decimal DiffRate(decimal warehouse, decimal service) =>
        warehouse == service ? 0m
        : service == 0 ? 1m
        : Math.Round(Math.Abs(warehouse - service) / Math.Abs(service), 6, MidpointRounding.AwayFromZero);

    private async Task<List<Figure>> OrdersAsync(string tenant, DateOnly date, string timeZone, CancellationToken cancellationToken)
    {
        var day = DuckDbDialect.Instance.DateLiteral(date);
        List<Dictionary<string, object?>> rows;
        using (var connection = warehouses.Open(tenant))
            rows = await Exists(connection, SalesModel, cancellationToken)
                ? await connection.RowsAsync(
                    $"SELECT currency, sum(orders) AS orders, sum(gmv) AS gmv FROM {SalesModel} WHERE business_date = {day} AND dimension = 'total' GROUP BY currency",
                    cancellationToken)
                : [];
        var service = (await orders.DailyAsync(date, date, timeZone, cancellationToken)).SingleOrDefault(d => d.Date == date);
        var figures = new List<Figure>
        {
            new(OrdersSource, "orders", rows.Sum(r => Sql.Decimal(r["orders"])), service?.Orders ?? 0),
        };
        var currencies = rows.Select(r => (string)r["currency"]!).Union(service?.Revenue.Select(r => r.Currency) ?? []).Order(StringComparer.Ordinal);
        foreach (var currency in currencies)
            figures.Add(new Figure(OrdersSource, "gmv:" + currency,
                rows.Where(r => (string)r["currency"]! == currency).Sum(r => Sql.Decimal(r["gmv"])),
                service?.Revenue.Where(r => r.Currency == currency).Sum(r => r.Amount) ?? 0));
        return figures;
    }

    private async Task<List<Figure>> InventoryAsync(string tenant, DateOnly date, CancellationToken cancellationToken)
    {
        var day = DuckDbDialect.Instance.DateLiteral(date);
        List<Dictionary<string, object?>> documents;
        List<Dictionary<string, object?>> totals;
        using (var connection = warehouses.Open(tenant))
        {
            if (!await Exists(connection, MovementsModel, cancellationToken))
                return [];
            // The documents that moved stock that day, compared whole (a transfer received over two days counts both).
            const string documentsOfDay = "SELECT DISTINCT source_type, source_id FROM " + MovementsModel + " WHERE business_date = ";
            documents = await connection.RowsAsync(documentsOfDay + day, cancellationToken);
            totals = await connection.RowsAsync($"""
                SELECT movement_type, sum(quantity) AS quantity, sum(value) AS value FROM {MovementsModel}
                WHERE (source_type, source_id) IN ({documentsOfDay}{day}) GROUP BY movement_type
                """, cancellationToken);
        }
        if (documents.Count == 0)
            return [];
        var ledger = new List<Inventory.Contracts.SourceTotalDto>();
        foreach (var type in documents.GroupBy(d => (string)d["source_type"]!))
            ledger.AddRange(await inventory.SourceTotalsAsync(type.Key, type.Select(d => (string)d["source_id"]!), cancellationToken));
        var figures = new List<Figure> { new(InventorySource, "documents", documents.Count, ledger.Select(l => (l.SourceType, l.SourceId)).Distinct().Count()) };
        foreach (var type in totals.Select(t => (string)t["movement_type"]!).Union(ledger.Select(l => l.MovementType)).Order(StringComparer.Ordinal))
        {
            var mine = totals.Where(t => (string)t["movement_type"]! == type).ToList();
            var theirs = ledger.Where(l => l.MovementType == type).ToList();
            figures.Add(new Figure(InventorySource, type + ":quantity", mine.Sum(t => Sql.Decimal(t["quantity"])), theirs.Sum(l => l.Quantity)));
            figures.Add(new Figure(InventorySource, type + ":value", mine.Sum(t => Sql.Decimal(t["value"])), theirs.Sum(l => l.Value)));
        }
        return figures;
    }

    private async Task<List<ReconciliationResult>> StoreAsync(DateOnly date, List<Figure> figures, decimal threshold, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        var stored = await db.Reconciliations.Where(r => r.BusinessDate == date).ToDictionaryAsync(r => (r.Source, r.Measure), cancellationToken);
        var results = new List<ReconciliationResult>();
        foreach (var figure in figures)
        {
            var rate = DiffRate(figure.Warehouse, figure.Service);
            var ok = rate <= threshold;
            if (!stored.TryGetValue((figure.Source, figure.Measure), out var row))
            {
                row = new ReconciliationResult { BusinessDate = date, Source = figure.Source, Measure = figure.Measure, Ok = true };
                db.Reconciliations.Add(row);
            }
            var changed = row.WarehouseValue != figure.Warehouse || row.ServiceValue != figure.Service || row.Ok != ok;
            var subject = $"{figure.Source}/{figure.Measure}@{RunQueue.Describe(date)}";
            if (!ok && changed)
            {
                outbox.Publish(new ReconciliationFailed(date, figure.Source, figure.Measure, figure.Warehouse, figure.Service, rate, threshold, now),
                    $"reconciliation:{RunQueue.Describe(date)}");
                await Alerts.RaiseAsync(db, "reconciliation", subject, string.Create(CultureInfo.InvariantCulture,
                    $"{figure.Source} {figure.Measure} on {date:yyyy-MM-dd}: warehouse {figure.Warehouse:0.####}, {figure.Source} {figure.Service:0.####}, diff rate {rate:0.######} (threshold {threshold:0.######})"),
                    now, cancellationToken);
                logger.LogWarning("Reconciliation failed: {Subject} warehouse {Warehouse} service {Service} diff rate {DiffRate}",
                    subject, figure.Warehouse, figure.Service, rate);
            }
            else if (ok)
                await Alerts.ClearAsync(db, "reconciliation", subject, now, cancellationToken);
            (row.WarehouseValue, row.ServiceValue, row.DiffRate, row.Threshold, row.Ok, row.CheckedAt) = (figure.Warehouse, figure.Service, rate, threshold, ok, now);
            results.Add(row);
        }
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return results;
    }

    private static async Task<bool> Exists(DuckDB.NET.Data.DuckDBConnection connection, string table, CancellationToken cancellationToken) =>
        await TaskRunner.Count(connection, $"SELECT count(*) FROM duckdb_tables() WHERE table_name = {Sql.Literal(table)}", cancellationToken) > 0;
}

/// <summary>Alerts: raised once per (kind, subject) while open, cleared when the condition is gone.</summary>
public static class Alerts
{
    public static async Task RaiseAsync(ReportingDbContext db, string kind, string subject, string message, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var open = await db.Alerts.FirstOrDefaultAsync(a => a.Kind == kind && a.Subject == subject && a.ClearedAt == null, cancellationToken)
                   ?? db.Alerts.Local.FirstOrDefault(a => a.Kind == kind && a.Subject == subject && a.ClearedAt == null);
        if (open is not null)
        {
            open.Message = message;
            return;
        }
        db.Alerts.Add(new Alert { Kind = kind, Subject = subject, Message = message, RaisedAt = now });
    }

    public static async Task ClearAsync(ReportingDbContext db, string kind, string subject, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var open = await db.Alerts.Where(a => a.Kind == kind && a.Subject == subject && a.ClearedAt == null).ToListAsync(cancellationToken);
        foreach (var alert in open)
            alert.ClearedAt = now;
    }
}
