using System.Globalization;
using Tessera.Finance.Data;
using Tessera.Finance.Domain;
using Tessera.Finance.Ledger;
using Tessera.Inventory.Contracts;
using Tessera.Messaging.Handling;

namespace Tessera.Finance.Messaging;

/// <summary>
/// Perpetual inventory: every movement inventory reports is posted at the value inventory gave it — the purchase price
/// in, the moving average out, the cost goods left at when they come back. Finance never recomputes a cost. Goods
/// that leave for a customer go to goods in transit (kept per shipment) until logistics says they were delivered
/// (COGS, <see cref="Settlement"/>) or came back (return to origin).
/// </summary>
public sealed class PostStockMovements(FinanceDbContext db, RulePoster rules, Settlement settlement, TimeProvider clock)
    : IEventHandler<StockReceived>, IEventHandler<StockIssued>, IEventHandler<StockReturned>, IEventHandler<StockAdjusted>, IEventHandler<TransferShipped>
{
    public async Task HandleAsync(StockReceived message, MessageContext context, CancellationToken cancellationToken)
    {
        var fromPurchaseOrder = message.SourceType == "goods-receipt";
        // Events published before inventory sent its movements' values carry unit costs only; a receipt is valued at
        // quantity × cost rounded like the ledger rounds it, which is what inventory wrote unless the stock was negative.
        var value = message.Movements?.Sum(m => m.Value) ?? message.Lines.Sum(l => JournalRules.Round(l.Quantity * l.UnitCost));
        await rules.PostAsync(new PostingRequest(fromPurchaseOrder ? PostingEvents.GoodsReceived : PostingEvents.StockReceived, context.OccurredAt,
                message.SourceType, message.ReceiptId.ToString(),
                fromPurchaseOrder ? $"Goods received on a purchase order into {message.Warehouse}" : $"Goods received into {message.Warehouse} ({Lines(message.Lines.Count)})",
                Value(value), Default(message.Warehouse, message.ReceiptId.ToString())),
            context.Producer, cancellationToken);
    }

    public async Task HandleAsync(StockIssued message, MessageContext context, CancellationToken cancellationToken)
    {
        var value = message.Lines.Sum(l => l.Value);
        var (posting, description) = (message.MovementType, message.SourceType) switch
        {
            ("sales-out", "shipment") => (PostingEvents.ShipmentDispatched, $"Shipment handed to the carrier from {message.Warehouse}"),
            ("supplier-return-out", "supplier-return") => (PostingEvents.SupplierReturnShipped, $"Goods returned to the supplier from {message.Warehouse}"),
            ("sales-out", _) => (PostingEvents.ManualIssue, $"Goods issued from {message.Warehouse} ({Lines(message.Lines.Count)})"),
            ("supplier-return-out", _) => (PostingEvents.ManualSupplierReturn, $"Goods returned to a supplier from {message.Warehouse} ({Lines(message.Lines.Count)})"),
            _ => (null, ""),
        };
        if (posting is null)
            return;
        await rules.PostAsync(new PostingRequest(posting, message.OccurredAt, message.SourceType, message.SourceId, description, Value(value),
            Default(message.Warehouse, message.SourceId)), context.Producer, cancellationToken);
        if (posting != PostingEvents.ShipmentDispatched || message.OrderId is not { } orderId || !Guid.TryParse(message.SourceId, out var shipmentId))
            return;

        // The posting above holds the books: the shipment's row is locked after them, in the order a delivery takes them.
        if (await Shipments.IssuedAsync(db, shipmentId, orderId, message.Warehouse, value, message.OccurredAt, clock.GetUtcNow(), cancellationToken))
            await settlement.SettleShipmentAsync(shipmentId, context.Producer, cancellationToken);
    }

    public async Task HandleAsync(StockReturned message, MessageContext context, CancellationToken cancellationToken)
    {
        var value = message.Lines.Sum(l => l.Value);
        if (message.SourceType == "shipment")
        {
            var posted = await rules.PostAsync(new PostingRequest(PostingEvents.DeliveryReturned, message.OccurredAt, "shipment", message.SourceId,
                $"Failed delivery back in {message.Warehouse} (return to origin)", Value(value), Default(message.Warehouse, message.SourceId)),
                context.Producer, cancellationToken);
            if (posted is not null && Guid.TryParse(message.SourceId, out var shipmentId) && message.OrderId is { } orderId)
                await Shipments.ReturnedAsync(db, shipmentId, orderId, message.Warehouse, value, clock.GetUtcNow(), cancellationToken);
            return;
        }
        await rules.PostAsync(new PostingRequest(PostingEvents.CustomerReturnRestocked, message.OccurredAt, message.SourceType, message.SourceId,
            $"Goods a customer returned, back in {message.Warehouse} at the cost they left at", Value(value), Default(message.Warehouse, message.SourceId)),
            context.Producer, cancellationToken);
    }

    public async Task HandleAsync(StockAdjusted message, MessageContext context, CancellationToken cancellationToken)
    {
        var gains = message.Lines.Where(l => l.Difference > 0).Sum(l => Math.Abs(l.Value));
        var losses = message.Lines.Where(l => l.Difference < 0).Sum(l => Math.Abs(l.Value));
        var source = message.CountId.ToString();
        if (gains > 0)
            await rules.PostAsync(new PostingRequest(PostingEvents.CountGain, message.OccurredAt, "count", source,
                $"Count in {message.Warehouse} found more than the book", Value(gains), Default(message.Warehouse, source)), context.Producer, cancellationToken);
        if (losses > 0)
            await rules.PostAsync(new PostingRequest(PostingEvents.CountLoss, message.OccurredAt, "count", source,
                $"Count in {message.Warehouse} found less than the book", Value(losses), Default(message.Warehouse, source)), context.Producer, cancellationToken);
    }

    public async Task HandleAsync(TransferShipped message, MessageContext context, CancellationToken cancellationToken)
    {
        var source = message.TransferId.ToString();
        await rules.PostAsync(new PostingRequest(PostingEvents.TransferShipped, message.OccurredAt, "transfer", source,
            $"Transfer {message.Number} from {message.FromWarehouse} to {message.ToWarehouse}", Value(message.Lines.Sum(l => l.Value)),
            new Dictionary<string, Dimensions> { ["from"] = new(message.FromWarehouse, source), ["to"] = new(message.ToWarehouse, source) }),
            context.Producer, cancellationToken);
    }

    private static Dictionary<string, decimal> Value(decimal value) => new() { ["value"] = value };

    private static Dictionary<string, Dimensions> Default(string warehouse, string document) =>
        new() { [PostingEvents.DefaultDimension] = new Dimensions(warehouse, document) };

    private static string Lines(int count) => count.ToString(CultureInfo.InvariantCulture) + (count == 1 ? " line" : " lines");
}

/// <summary>
/// The facts of a shipment as they arrive, each one statement: an upsert on its row, so inventory's and logistics'
/// reports can come in either order without a read first.
/// </summary>
public static class Shipments
{
    private static string Insert(FinanceDbContext db) => $"""
        INSERT INTO shipments (shipment_id, tenant_id, order_id, warehouse, issued_value, issued_at, delivered_at, delivered_lines, cogs_posted, invoice_id,
            returned_value, updated_at)
        VALUES (@id, @t, @o, @w, @issued, @issuedAt, @delivered, @lines, {Sql.False(db)}, NULL, @returned, @now)
        """;

    /// <returns>Whether the shipment is delivered and waits for this cost to be posted.</returns>
    public static async Task<bool> IssuedAsync(FinanceDbContext db, Guid shipment, Guid order, string warehouse, decimal value, DateTimeOffset at,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var upsert = Command(db, Insert(db) + $"""
             ON CONFLICT (shipment_id) DO UPDATE SET issued_value = coalesce(shipments.issued_value, excluded.issued_value),
                issued_at = coalesce(shipments.issued_at, excluded.issued_at), updated_at = excluded.updated_at
            RETURNING delivered_at IS NOT NULL AND cogs_posted = {Sql.False(db)}
            """, shipment, order, warehouse, now, issued: value, issuedAt: at);
        // SQLite answers the condition as 0 or 1, PostgreSQL as a boolean.
        return Convert.ToBoolean(await upsert.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    public static async Task DeliveredAsync(FinanceDbContext db, Guid shipment, Guid order, string warehouse, DateTimeOffset at, string lines,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var upsert = Command(db, Insert(db) + """
             ON CONFLICT (shipment_id) DO UPDATE SET delivered_at = coalesce(shipments.delivered_at, excluded.delivered_at),
                delivered_lines = coalesce(shipments.delivered_lines, excluded.delivered_lines), updated_at = excluded.updated_at
            """, shipment, order, warehouse, now, delivered: at, lines: lines);
        await upsert.ExecuteNonQueryAsync(cancellationToken);
    }

    public static async Task ReturnedAsync(FinanceDbContext db, Guid shipment, Guid order, string warehouse, decimal value, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        await using var upsert = Command(db, Insert(db) + $"""
             ON CONFLICT (shipment_id) DO UPDATE SET returned_value = {Sql.Plus(db, "coalesce(shipments.returned_value, '0')", "excluded.returned_value")},
                updated_at = excluded.updated_at
            """, shipment, order, warehouse, now, returned: value);
        await upsert.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The shipment as a settlement reads it (not tracked: it is written back with <see cref="SettledAsync"/>).</summary>
    public static async Task<ShipmentRecord?> ReadAsync(FinanceDbContext db, Guid shipment, CancellationToken cancellationToken)
    {
        await using var read = Sql.Command(db, """
            SELECT order_id, warehouse, issued_value, delivered_at, delivered_lines, cogs_posted, invoice_id
            FROM shipments WHERE shipment_id = @id AND tenant_id = @t
            """, ("@id", shipment), ("@t", db.CurrentTenantId));
        await using var reader = await read.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
            return null;
        return new ShipmentRecord
        {
            ShipmentId = shipment,
            OrderId = Guid.Parse(reader.GetString(0)),
            Warehouse = reader.GetString(1),
            IssuedValue = reader.IsDBNull(2) ? null : Sql.ReadDecimal(reader, 2),
            DeliveredAt = reader.IsDBNull(3) ? null : new DateTimeOffset(reader.GetInt64(3), TimeSpan.Zero),
            DeliveredLines = Sql.ReadString(reader, 4),
            CogsPosted = Sql.ReadFlag(reader, 5),
            InvoiceId = reader.IsDBNull(6) ? null : Guid.Parse(reader.GetString(6)),
        };
    }

    public static async Task SettledAsync(FinanceDbContext db, Guid shipment, bool cogsPosted, Guid? invoice, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var update = Sql.Command(db, "UPDATE shipments SET cogs_posted = @c, invoice_id = @i, updated_at = @now WHERE shipment_id = @id",
            ("@c", cogsPosted), ("@i", invoice), ("@now", now), ("@id", shipment));
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    private static System.Data.Common.DbCommand Command(FinanceDbContext db, string sql, Guid shipment, Guid order, string warehouse, DateTimeOffset now,
        decimal? issued = null, DateTimeOffset? issuedAt = null, DateTimeOffset? delivered = null, string? lines = null, decimal? returned = null) =>
        Sql.Command(db, sql, ("@id", shipment), ("@t", db.CurrentTenantId), ("@o", order), ("@w", warehouse), ("@issued", issued), ("@issuedAt", issuedAt),
            ("@delivered", delivered), ("@lines", lines), ("@returned", returned), ("@now", now));
}
