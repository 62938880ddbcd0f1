using Microsoft.EntityFrameworkCore;
using Tessera.Inventory.Contracts;
using Tessera.Inventory.Data;
using Tessera.Inventory.Domain;
using Tessera.Messaging.Outbox;
using Tessera.ServiceDefaults.Data;

namespace Tessera.Inventory.Ledger;

/// <summary>
/// One line to post. Quantity is positive (the movement type says which way it goes). An inbound line comes in at
/// UnitCost (the current average when null) or exactly at ExactValue; an outbound line always leaves at the average.
/// ReleaseReserved is how much of the line was reserved (a shipment consuming its order's reservation).
/// </summary>
public sealed record LedgerLine(string Sku, decimal Quantity, string? Bin = null, decimal? UnitCost = null, decimal? ExactValue = null,
    decimal ReleaseReserved = 0, string? Reason = null);

/// <summary>The source document of a posting: what the movements are explained by.</summary>
public sealed record LedgerSource(string SourceType, string SourceId, Guid? OrderId = null, string? Reason = null);

/// <summary>A line that could not go out: Index is its place in the posting, Available what could have been taken.</summary>
public sealed record LedgerShortage(int Index, string Sku, string? Bin, decimal Requested, decimal Available);

public sealed record Posting(IReadOnlyList<Movement> Movements, IReadOnlyList<LedgerShortage> Shortages)
{
    public bool Succeeded => Shortages.Count == 0;

    /// <summary>The movements as events report them: positive quantities and values.</summary>
    public IReadOnlyList<MovedLine> Lines => Movements.Select(m => new MovedLine(m.Sku, Math.Abs(m.Quantity), m.UnitCost, Math.Abs(m.Value))).ToList();

    public IReadOnlyList<ShortLine> ShortLines => Shortages.Select(s => new ShortLine(s.Sku, s.Requested, s.Available)).ToList();
}

/// <summary>
/// The only way stock on hand changes. A posting reads the stock rows it touches, costs every line in order
/// (<see cref="MovingAverage"/>), checks the tenant's negative-stock policy — an outbound line may take only what is
/// available (on hand − reserved, plus what the line itself had reserved) unless negative stock is allowed — and, if
/// every line passes, writes each row once with a conditional update on the version it read, and appends the
/// movements with the running balance each one leaves. A row changed by someone else in between fails the update, and
/// the posting fails with it (a request answers 409, a message is retried), so no interleaving of writers can take
/// stock below zero or break a running balance. Nothing is written when a line is short. Runs inside the caller's
/// write transaction.
/// </summary>
public sealed class StockLedger(InventoryDbContext db, IOutbox outbox, TimeProvider clock)
{
    public async Task<Posting> PostAsync(string warehouse, MovementType type, LedgerSource source, IReadOnlyList<LedgerLine> lines, string actor,
        CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is null)
            throw new InvalidOperationException("Stock is posted inside a write transaction (BeginWriteAsync or an inbox handler).");
        var now = clock.GetUtcNow();
        var inbound = Movement.IsInbound(type);
        var allowNegative = (await SettingsAsync(cancellationToken)).NegativeStockAllowed;

        var skus = lines.Select(l => l.Sku).Distinct().ToList();
        // On PostgreSQL, where postings of several requests, handlers and instances run at once, the posting holds what it
        // read until it commits: a lock per (warehouse, SKU), which also covers a row not created yet, and the rows
        // themselves, which a reservation's atomic update waits for. Writers then queue as behind SQLite's single writer
        // instead of failing each other's conditional update. The warehouse is held shared, so that a count starting
        // there sees no posting half done. On SQLite all of these are no-ops (docs/adr/0024).
        await db.LockAllAsync(skus.Select(sku => $"stock:{db.CurrentTenantId}:{warehouse}:{sku}"), cancellationToken,
            shared: [WarehouseLock(db.CurrentTenantId, warehouse)]);
        var rows = await db.Stock.AsNoTracking().Where(s => s.Warehouse == warehouse && skus.Contains(s.Sku)).OrderBy(s => s.Sku).ForUpdate()
            .ToDictionaryAsync(s => s.Sku, cancellationToken);
        var versions = rows.ToDictionary(r => r.Key, r => r.Value.Version);
        var binCodes = lines.Where(l => l.Bin is not null).Select(l => l.Bin!).Distinct().ToList();
        var bins = binCodes.Count == 0
            ? new Dictionary<(string, string), BinStock>()
            : (await db.BinStock.AsNoTracking().Where(b => b.Warehouse == warehouse && binCodes.Contains(b.Bin) && skus.Contains(b.Sku)).ToListAsync(cancellationToken))
            .ToDictionary(b => (b.Sku, b.Bin));
        var binDeltas = new Dictionary<(string Sku, string Bin), decimal>();

        var movements = new List<Movement>();
        var shortages = new List<LedgerShortage>();
        for (var index = 0; index < lines.Count; index++)
        {
            var line = lines[index];
            if (line.Quantity <= 0)
                throw new ArgumentOutOfRangeException(nameof(lines), $"{line.Sku}: a movement moves a positive quantity.");
            if (!rows.TryGetValue(line.Sku, out var row))
                rows[line.Sku] = row = StockLevel.Empty(line.Sku, warehouse, now);

            CostedMovement costed;
            if (inbound)
            {
                costed = MovingAverage.Receive(row.Position, line.Quantity, line.UnitCost ?? row.AverageCost, line.ExactValue);
            }
            else
            {
                var release = Math.Min(line.ReleaseReserved, row.Reserved);
                var available = row.OnHand - row.Reserved + release;
                var inBin = line.Bin is null ? decimal.MaxValue
                    : (bins.TryGetValue((line.Sku, line.Bin), out var binRow) ? binRow.OnHand : 0) + binDeltas.GetValueOrDefault((line.Sku, line.Bin));
                if (!allowNegative && (available < line.Quantity || inBin < line.Quantity))
                {
                    shortages.Add(new LedgerShortage(index, line.Sku, line.Bin, line.Quantity, Math.Max(0, Math.Min(available, inBin))));
                    continue;
                }
                costed = MovingAverage.Issue(row.Position, line.Quantity);
                row.Reserved -= release;
            }
            (row.OnHand, row.Value, row.AverageCost, row.UpdatedAt) = (costed.After.OnHand, costed.After.Value, costed.After.AverageCost, now);
            if (line.Bin is not null)
                binDeltas[(line.Sku, line.Bin)] = binDeltas.GetValueOrDefault((line.Sku, line.Bin)) + costed.Quantity;
            movements.Add(new Movement
            {
                Sku = line.Sku,
                Warehouse = warehouse,
                Bin = line.Bin,
                Type = type,
                Quantity = costed.Quantity,
                UnitCost = costed.UnitCost,
                Value = costed.Value,
                BalanceQuantity = costed.After.OnHand,
                BalanceValue = costed.After.Value,
                SourceType = source.SourceType,
                SourceId = source.SourceId,
                OrderId = source.OrderId,
                Reason = line.Reason ?? source.Reason,
                Actor = actor,
                OccurredAt = now,
            });
        }
        if (shortages.Count > 0)
            return new Posting([], shortages);

        foreach (var sku in movements.Select(m => m.Sku).Distinct())
        {
            var row = rows[sku];
            var crossed = WatchReorderPoint(row);
            if (versions.TryGetValue(sku, out var version))
                await WriteAsync(row, version, cancellationToken);
            else
                db.Stock.Add(row);
            if (crossed)
                PublishBelowReorderPoint(row, now);
        }
        foreach (var ((sku, bin), delta) in binDeltas)
        {
            if (bins.ContainsKey((sku, bin)))
                await db.BinStock.Where(b => b.Warehouse == warehouse && b.Bin == bin && b.Sku == sku)
                    .ExecuteUpdateAsync(u => u.SetProperty(b => b.OnHand, b => b.OnHand + delta).SetProperty(b => b.UpdatedAt, now), cancellationToken);
            else
                db.BinStock.Add(new BinStock { Sku = sku, Warehouse = warehouse, Bin = bin, OnHand = delta, UpdatedAt = now });
        }
        db.Movements.AddRange(movements);
        // One prepared INSERT for the lot (a receipt may have 500 lines); what the caller changed besides is saved by its own SaveChanges.
        db.InsertAddedInBulk();
        return new Posting(movements, []);
    }

    /// <summary>The lock a posting holds shared on its warehouse and a stock count takes whole (PostgreSQL).</summary>
    public static string WarehouseLock(string? tenant, string warehouse) => $"warehouse:{tenant}:{warehouse}";

    /// <summary>
    /// After a reservation changed a stock row's Reserved (an atomic update of its own): publishes StockBelowReorderPoint
    /// if available stock crossed under the row's reorder point, and re-arms it when available is back at the point.
    /// </summary>
    public async Task ReservationChangedAsync(string sku, string warehouse, CancellationToken cancellationToken)
    {
        var row = await db.Stock.AsNoTracking().FirstOrDefaultAsync(s => s.Sku == sku && s.Warehouse == warehouse, cancellationToken);
        if (row is null)
            return;
        var was = row.BelowReorderPoint;
        var crossed = WatchReorderPoint(row);
        if (row.BelowReorderPoint == was)
            return;
        await WriteAsync(row, row.Version, cancellationToken);
        if (crossed)
            PublishBelowReorderPoint(row, clock.GetUtcNow());
    }

    /// <summary>Updates the row's flag; true when available has just crossed from at-or-above the point to below it.</summary>
    public static bool WatchReorderPoint(StockLevel row)
    {
        var below = row.ReorderPoint is decimal point && row.Available < point;
        var crossed = below && !row.BelowReorderPoint;
        row.BelowReorderPoint = below;
        return crossed;
    }

    public void PublishBelowReorderPoint(StockLevel row, DateTimeOffset now) =>
        outbox.Publish(new StockBelowReorderPoint(row.Sku, row.Warehouse, row.Available, row.ReorderPoint!.Value, row.ReorderQuantity ?? 0, now),
            $"{row.Sku}@{row.Warehouse}");

    public async Task<InventorySettings> SettingsAsync(CancellationToken cancellationToken) =>
        await db.Settings.AsNoTracking().FirstOrDefaultAsync(cancellationToken)
        ?? InventorySettings.Default(db.CurrentTenantId ?? throw new InvalidOperationException("No tenant."));

    /// <summary>Writes a row read earlier, on condition that nobody wrote it since (its version).</summary>
    private async Task WriteAsync(StockLevel row, long version, CancellationToken cancellationToken)
    {
        var (onHand, reserved, value, average, below, updatedAt) = (row.OnHand, row.Reserved, row.Value, row.AverageCost, row.BelowReorderPoint, row.UpdatedAt);
        var written = await db.Stock
            .Where(s => s.Id == row.Id && s.Version == version)
            .ExecuteUpdateAsync(u => u
                .SetProperty(s => s.OnHand, onHand)
                .SetProperty(s => s.Reserved, reserved)
                .SetProperty(s => s.Value, value)
                .SetProperty(s => s.AverageCost, average)
                .SetProperty(s => s.BelowReorderPoint, below)
                .SetProperty(s => s.Version, version + 1)
                .SetProperty(s => s.UpdatedAt, updatedAt), cancellationToken);
        if (written != 1)
            throw new DbUpdateConcurrencyException($"Stock of {row.Sku} in {row.Warehouse} changed while it was being posted; the posting is retried.");
        row.Version = version + 1;
    }
}
