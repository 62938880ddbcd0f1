using System.Diagnostics;
using System.Text;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tessera.Messaging.Outbox;
using Tessera.Orders.Data;
using Tessera.Orders.Features;
using Tessera.Orders.Search;
using Tessera.ServiceDefaults.Tenancy;
using Tessera.ServiceDefaults.Validation;

namespace Tessera.Orders.Import;

public sealed class ImportOptions
{
    public const string Section = "Tessera:Orders:Import";

    /// <summary>The largest file accepted: 100 MB, about 600,000 lines of a typical export.</summary>
    public long MaxFileBytes { get; set; } = 100L * 1024 * 1024;

    /// <summary>
    /// Orders written per transaction: progress is saved after each batch, and a restart resumes from there. A batch holds
    /// the write gate while it is written — for 1,000 orders 0.45 s at the median and 1.5 s at the 95th percentile with
    /// the machine busy, about twice as long as 500 — and other writes of this service wait for it; in exchange 1,000
    /// imports 100,000 lines about 15 % faster than 500, because each batch also waits for the gate and commits once
    /// (docs/benchmarks.md).
    /// </summary>
    public int BatchSize { get; set; } = 1000;

    /// <summary>How often the worker looks for imports when nothing wakes it.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// Runs one import: reads the sealed file, groups rows into orders, validates every order the way the API does (field
/// rules, known SKUs, server pricing, extension attributes) and writes the good ones in batches — each batch one
/// transaction with the orders, their OrderPlaced events, the rejected rows and the progress. An order whose
/// channel and external reference already exist is skipped, so the same file imported again adds nothing.
/// </summary>
/// <summary>The rules of an order imported as history (its payments), as a validator the processor runs beside the order's own.</summary>
internal static class HistoryRules
{
    private static readonly HistoryValidator Validator = new();

    public static Task<FluentValidation.Results.ValidationResult> ValidateAsync(HistoryInput history, CancellationToken cancellationToken) =>
        Validator.ValidateAsync(history, cancellationToken);
}

public sealed class ImportProcessor(
    IServiceScopeFactory scopes,
    ImportFileStore files,
    IValidator<PlaceOrder.Request> validator,
    IOptions<ImportOptions> options,
    TimeProvider clock,
    ILogger<ImportProcessor> logger)
{
    public async Task RunAsync(Guid importId, CancellationToken cancellationToken)
    {
        var import = await LoadAsync(importId, cancellationToken);
        if (import is null || import.Status is ImportStatus.Completed or ImportStatus.Failed)
            return;

        var content = await files.ReadAsync(import.Id, import.TenantId, cancellationToken);
        if (content is null)
        {
            await FinishAsync(import, ImportStatus.Failed, "The uploaded file is no longer stored; upload it again.", cancellationToken);
            return;
        }

        ParsedFile parsed;
        using (var reader = new StreamReader(new MemoryStream(content), Encoding.UTF8, detectEncodingFromByteOrderMarks: true))
            parsed = ImportFormat.Parse(reader);
        if (parsed.Error is not null)
        {
            await FinishAsync(import, ImportStatus.Failed, parsed.Error, cancellationToken);
            return;
        }

        var orders = ImportFormat.Group(parsed.Rows);
        await UpdateAsync(import, i =>
        {
            i.Status = ImportStatus.Running;
            i.StartedAt ??= clock.GetUtcNow();
            i.TotalRows = parsed.Rows.Count;
            i.Error = null;
        }, cancellationToken);

        // One batch ahead: while a batch is written (holding the write gate, waiting for the disk), the next one is
        // validated and built. Batches never share an order (rows are grouped by order first), so a prepared batch
        // cannot depend on the one still being written; order numbers are only taken when writing.
        var batchSize = Math.Max(1, options.Value.BatchSize);
        List<ImportedOrder> Slice(int start) => orders.GetRange(start, Math.Min(batchSize, orders.Count - start));
        var starts = Enumerable.Range(0, orders.Count).Where(i => i >= import.ProcessedOrders && (i - import.ProcessedOrders) % batchSize == 0).ToList();
        Task<PreparedBatch>? next = starts.Count > 0 ? PrepareAsync(import, Slice(starts[0]), cancellationToken) : null;
        try
        {
            for (var i = 0; i < starts.Count; i++)
            {
                await using var prepared = await next!;
                var following = i + 1 < starts.Count ? Slice(starts[i + 1]) : null;
                next = following is null ? null : Task.Run(() => PrepareAsync(import, following, cancellationToken), cancellationToken);
                await WriteAsync(import, prepared, starts[i] + prepared.Orders.Count, cancellationToken);
            }
        }
        finally
        {
            if (next is not null)
                await DiscardAsync(next);
        }

        await FinishAsync(import, ImportStatus.Completed, null, cancellationToken);
        logger.LogInformation("Import {ImportId} done: {Accepted} orders ({AcceptedRows} rows) imported, {Rejected} rows rejected, {Skipped} rows skipped",
            import.Id, import.AcceptedOrders, import.AcceptedRows, import.RejectedRows, import.SkippedRows);
    }

    /// <summary>Notes a problem that stops the import for now (the catalog is unreachable…); it is retried.</summary>
    public Task NoteRetryAsync(Guid importId, string reason, CancellationToken cancellationToken) => WithImportAsync(importId, async (db, import) =>
    {
        import.Error = reason;
        await db.SaveChangesAsync(cancellationToken);
    }, cancellationToken);

    /// <summary>Stops an import that keeps failing for a reason that will not pass by itself.</summary>
    public async Task GiveUpAsync(Guid importId, string reason, CancellationToken cancellationToken)
    {
        if (await LoadAsync(importId, cancellationToken) is { } import)
            await FinishAsync(import, ImportStatus.Failed, reason, cancellationToken);
    }

    /// <summary>A batch validated, priced and built, in its own scope, waiting to be written.</summary>
    internal sealed class PreparedBatch(AsyncServiceScope scope, List<ImportedOrder> orders) : IAsyncDisposable
    {
        public IServiceProvider Services => scope.ServiceProvider;
        public List<ImportedOrder> Orders { get; } = orders;
        public List<Domain.Order> Placed { get; init; } = [];

        /// <summary>The province of each placed order's shipping address, for its event (the address itself is stored encrypted).</summary>
        public Dictionary<Guid, string?> Provinces { get; init; } = [];

        /// <summary>The plain customer name of each placed order, for the name index of customers created for them.</summary>
        public List<string> Names { get; init; } = [];
        public int AcceptedRows { get; init; }
        public int SkippedRows { get; init; }

        public ValueTask DisposeAsync() => scope.DisposeAsync();
    }

    private static async Task DiscardAsync(Task<PreparedBatch> pending)
    {
        try
        {
            await using var _ = await pending;
        }
        catch (Exception)
        {
            // The batch is prepared again when the import resumes; the failure that stopped it is reported already.
        }
    }

    internal async Task<PreparedBatch> PrepareAsync(OrderImport import, List<ImportedOrder> batch, CancellationToken cancellationToken)
    {
        var scope = scopes.CreateAsyncScope();
        try
        {
            var services = scope.ServiceProvider;
            services.GetRequiredService<TenantContext>().Set(import.TenantId);
            var composer = services.GetRequiredService<OrderComposer>();
            var products = services.GetRequiredService<ProductDirectory>();
            var references = services.GetRequiredService<ExternalReferences>();

            foreach (var order in batch.Where(o => o.Request is not null))
            {
                var result = await validator.ValidateAsync(order.Request!, cancellationToken);
                foreach (var (field, messages) in result.ToProblemErrors())
                    Report(order, field, messages);
                if (order.History is { } history)
                    foreach (var (field, messages) in (await HistoryRules.ValidateAsync(history, cancellationToken)).ToProblemErrors())
                        foreach (var message in messages)
                            order.Problems.Add((order.Rows[0].Number, $"{(field.StartsWith("payments", StringComparison.Ordinal) ? "payments" : "status")}: {message}"));
            }

            var valid = batch.Where(o => o.Problems.Count == 0).ToList();
            var known = await products.FindAsync(valid.SelectMany(o => o.Request!.Lines.Select(l => l.Sku)).ToList(), cancellationToken);
            var definitions = await composer.AttributeDefinitionsAsync(cancellationToken);
            var composed = new List<(ImportedOrder Order, (List<Domain.OrderLine>, Domain.OrderTotals) Priced, Domain.OrderMarketing Marketing, string Attributes)>();
            foreach (var order in valid)
            {
                var request = order.Request!;
                var errors = new CompositionErrors();
                var marketing = OrderComposer.Marketing(request.Marketing);
                var priced = composer.PriceLines(request.Lines, known, marketing, request.Financial?.ShippingFee ?? 0,
                    request.Currency ?? PlaceOrder.DefaultCurrency, errors);
                composer.ValidateAttributes(request.Attributes, definitions, errors, out var attributes);
                foreach (var (field, messages) in errors.ToDictionary())
                    Report(order, field, messages);
                if (order.Problems.Count == 0)
                    composed.Add((order, priced!.Value, marketing, attributes));
            }

            var existing = new HashSet<(string, string)>();
            foreach (var channel in composed.GroupBy(c => c.Order.Channel))
                foreach (var externalRef in (await references.FindAsync(channel.Key, channel.Select(c => c.Order.ExternalRef).ToList(), cancellationToken)).Keys)
                    existing.Add((channel.Key, externalRef));

            // Everything but the numbers is made before taking the write gate: the transaction holds it only to write.
            var fresh = composed.Where(c => !existing.Contains((c.Order.Channel, c.Order.ExternalRef))).ToList();
            var now = clock.GetUtcNow();
            var built = fresh.Select(c => (Order: composer.Build(c.Order.Request!, c.Priced, c.Marketing, c.Attributes, import.TenantId, 0, import.CreatedBy, now,
                c.Order.History), c.Order.Request!.Shipping?.Address?.Province)).ToList();
            return new PreparedBatch(scope, batch)
            {
                Placed = built.Select(b => b.Order).ToList(),
                Provinces = built.ToDictionary(b => b.Order.Id, b => b.Province),
                Names = fresh.Select(c => c.Order.Request!.Customer?.Name ?? "").ToList(),
                AcceptedRows = fresh.Sum(c => c.Order.Rows.Count),
                SkippedRows = composed.Where(c => existing.Contains((c.Order.Channel, c.Order.ExternalRef))).Sum(c => c.Order.Rows.Count),
            };
        }
        catch
        {
            await scope.DisposeAsync();
            throw;
        }
    }

    private async Task WriteAsync(OrderImport import, PreparedBatch prepared, int processedOrders, CancellationToken cancellationToken)
    {
        var db = prepared.Services.GetRequiredService<OrdersDbContext>();
        var outbox = prepared.Services.GetRequiredService<IOutbox>();
        var placed = prepared.Placed;

        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        var holding = Stopwatch.StartNew();
        var tracked = await db.Imports.FirstAsync(i => i.Id == import.Id, cancellationToken);
        await prepared.Services.GetRequiredService<ProductDirectory>().RememberFetchedAsync(cancellationToken);
        var number = placed.Count == 0 ? 0 : await OrderNumbers.ReserveAsync(db, placed.Count, cancellationToken);
        foreach (var order in placed)
            order.Number = number++;
        // Inside the write transaction: two orders of one new customer, in this batch or the one before, make one customer.
        await prepared.Services.GetRequiredService<Customers.CustomerDirectory>().AttachAsync(placed, prepared.Names, clock.GetUtcNow(), cancellationToken);
        foreach (var order in placed)
        {
            db.Orders.Add(order);
            // History reserves nothing and requests no shipment: only the search and reports hear of it.
            if (order.Historic)
                outbox.Publish(OrderComposer.ImportedAsHistory(order), order.Id.ToString());
            else
                outbox.Publish(OrderComposer.Placed(order, prepared.Provinces.GetValueOrDefault(order.Id)), order.Id.ToString());
        }
        // The search rows go in with the orders, as every other change of an order writes its own (docs/adr/0033).
        var texts = await OrderSearchIndex.AddNewAsync(db, placed, cancellationToken);
        tracked.AcceptedOrders += placed.Count;
        tracked.AcceptedRows += prepared.AcceptedRows;
        tracked.SkippedRows += prepared.SkippedRows;
        foreach (var order in prepared.Orders.Where(o => o.Problems.Count > 0))
        {
            db.ImportRejections.AddRange(Rejections(import.Id, order));
            tracked.RejectedRows += order.Rows.Count;
        }
        tracked.ProcessedRows += prepared.Orders.Sum(o => o.Rows.Count);
        tracked.ProcessedOrders = processedOrders;
        tracked.Error = null;
        db.InsertAddedInBulk();
        await db.SaveChangesAsync(cancellationToken);
        await OrderSearchIndex.WriteTextsAsync(db, texts, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        logger.LogDebug("Import {ImportId}: {Orders} orders written in {ElapsedMs:0} ms holding the write gate", import.Id, placed.Count,
            holding.Elapsed.TotalMilliseconds);
        Copy(tracked, import);
    }

    private static void Report(ImportedOrder order, string field, IEnumerable<string> messages)
    {
        var (row, column) = ImportFormat.Locate(order, field);
        foreach (var message in messages)
            order.Problems.Add((row, $"{column}: {message}"));
    }

    /// <summary>Every row of a rejected order is reported: its own problems, or that it went with its order.</summary>
    private static IEnumerable<ImportRejection> Rejections(Guid importId, ImportedOrder order)
    {
        var byRow = order.Problems.GroupBy(p => p.Row).ToDictionary(g => g.Key, g => string.Join(" ", g.Select(p => p.Reason).Distinct()));
        var firstBad = byRow.Keys.Min();
        var externalRef = order.ExternalRef.Length == 0 ? null : order.ExternalRef;
        return order.Rows.Select(row => new ImportRejection
        {
            ImportId = importId,
            RowNumber = row.Number,
            ExternalRef = externalRef,
            Reason = byRow.TryGetValue(row.Number, out var reason)
                ? reason
                : $"Not imported with its order: row {firstBad} of order '{order.ExternalRef}' has an error.",
        });
    }

    private async Task<OrderImport?> LoadAsync(Guid importId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrdersDbContext>();
        return await db.Imports.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(i => i.Id == importId, cancellationToken);
    }

    private async Task FinishAsync(OrderImport import, ImportStatus status, string? error, CancellationToken cancellationToken)
    {
        await UpdateAsync(import, i =>
        {
            i.Status = status;
            i.Error = error;
            i.FinishedAt = clock.GetUtcNow();
            i.StartedAt ??= i.FinishedAt;
        }, cancellationToken);
        files.Delete(import.Id);
    }

    private Task UpdateAsync(OrderImport import, Action<OrderImport> change, CancellationToken cancellationToken) =>
        WithImportAsync(import.Id, async (db, tracked) =>
        {
            change(tracked);
            await db.SaveChangesAsync(cancellationToken);
            Copy(tracked, import);
        }, cancellationToken);

    private async Task WithImportAsync(Guid importId, Func<OrdersDbContext, OrderImport, Task> action, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrdersDbContext>();
        var import = await db.Imports.IgnoreQueryFilters().FirstOrDefaultAsync(i => i.Id == importId, cancellationToken);
        if (import is null)
            return;
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(import.TenantId);
        await action(db, import);
    }

    private static void Copy(OrderImport from, OrderImport to)
    {
        (to.Status, to.TotalRows, to.ProcessedRows, to.ProcessedOrders) = (from.Status, from.TotalRows, from.ProcessedRows, from.ProcessedOrders);
        (to.AcceptedOrders, to.AcceptedRows, to.RejectedRows, to.SkippedRows) = (from.AcceptedOrders, from.AcceptedRows, from.RejectedRows, from.SkippedRows);
        (to.Error, to.StartedAt, to.FinishedAt, to.Version) = (from.Error, from.StartedAt, from.FinishedAt, from.Version);
    }
}
