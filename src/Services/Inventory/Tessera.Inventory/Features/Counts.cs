using System.Globalization;
using System.Security.Claims;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Tessera.Inventory.Contracts;
using Tessera.Inventory.Data;
using Tessera.Inventory.Domain;
using Tessera.Inventory.Ledger;
using Tessera.Messaging.Outbox;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Errors;
using Tessera.ServiceDefaults.Idempotency;
using Tessera.ServiceDefaults.Security;
using Tessera.ServiceDefaults.Validation;

namespace Tessera.Inventory.Features;

/// <summary>
/// Stock counts (see <see cref="CountSession"/> for the rule): start (freeze), enter counted quantities, post the
/// differences as count-adjust-in/out at the average cost with a reason (StockAdjusted), or cancel.
/// </summary>
public static class Counts
{
    public const int MaxLines = 10_000;

    public sealed record CreateRequest(string Warehouse, IReadOnlyList<string>? Skus, string? Bin, bool? Blind, string? Reference);

    public sealed record Entry(string Sku, decimal? Counted, string? Reason);

    public sealed record EntriesRequest(IReadOnlyList<Entry> Lines);

    public sealed record PostRequest(string Reason);

    public sealed class CreateValidator : AbstractValidator<CreateRequest>
    {
        public CreateValidator()
        {
            RuleFor(r => r.Warehouse).NotEmpty();
            RuleFor(r => r.Skus).Must(s => s is null || s.Count <= 1000).WithMessage("A count names at most 1000 SKUs.");
            RuleForEach(r => r.Skus).NotEmpty().MaximumLength(64);
            RuleFor(r => r.Bin).MaximumLength(20);
            RuleFor(r => r.Reference).MaximumLength(100);
        }
    }

    public sealed class EntriesValidator : AbstractValidator<EntriesRequest>
    {
        public EntriesValidator()
        {
            RuleFor(r => r.Lines).NotEmpty().WithMessage("Enter at least one counted quantity.")
                .Must(l => l is null || l.Count <= 500).WithMessage("At most 500 counts at a time.")
                .Must(l => l is null || l.Select(x => x.Sku).Distinct().Count() == l.Count).WithMessage("Each SKU may appear once.");
            RuleForEach(r => r.Lines).ChildRules(line =>
            {
                line.RuleFor(l => l.Sku).NotEmpty().MaximumLength(64);
                line.RuleFor(l => l.Counted).NotNull().GreaterThanOrEqualTo(0).PrecisionScale(18, 4, ignoreTrailingZeros: true);
                line.RuleFor(l => l.Reason).MaximumLength(200);
            });
        }
    }

    public sealed class PostValidator : AbstractValidator<PostRequest>
    {
        public PostValidator() => RuleFor(r => r.Reason).NotEmpty().MaximumLength(200);
    }

    public static void Map(RouteGroupBuilder counts)
    {
        counts.MapPost("/", Create).Validate<CreateRequest>().RequireRoles(Roles.Warehouse).WithName("StartCount")
            .WithSummary("Start a count of a warehouse (optionally of some SKUs, or of one bin): its expected quantities are frozen now. " +
                         "Accepts an Idempotency-Key.")
            .Produces<CountDto>(StatusCodes.Status201Created);
        counts.MapGet("/", List).WithName("ListCounts").WithSummary("Counts, newest first, by warehouse and status; paged.");
        counts.MapGet("/{id:guid}", Get).WithName("GetCount");
        counts.MapGet("/{id:guid}/lines", Lines).WithName("GetCountLines")
            .WithSummary("The lines of a count, by SKU; differences=true keeps lines whose count differs from the book. Paged.");
        counts.MapPost("/{id:guid}/entries", Enter).Validate<EntriesRequest>().RequireRoles(Roles.Warehouse).WithName("EnterCounts")
            .WithSummary("Enter counted quantities (again, to correct them). A SKU the count does not list yet is added if it is in scope.");
        counts.MapPost("/{id:guid}/post", Post).Validate<PostRequest>().RequireRoles(Roles.Warehouse).WithName("PostCount")
            .WithSummary("Post the differences as count-adjust-in/out movements at the average cost. Lines not counted are left as they are. " +
                         "Accepts an Idempotency-Key.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        counts.MapPost("/{id:guid}/cancel", Cancel).RequireRoles(Roles.Warehouse).WithName("CancelCount");
    }

    private static async Task<IResult> Create(
        CreateRequest request,
        [FromHeader(Name = IdempotentRequests.HeaderName)] string? idempotencyKey,
        ClaimsPrincipal user,
        InventoryDbContext db,
        CatalogLookup catalog,
        IdempotentRequests idempotency,
        TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var warehouse = Warehouses.Normalize(request.Warehouse);
        if (!await Checks.WarehouseExistsAsync(db, warehouse, cancellationToken))
            return Problems.Validation("warehouse", Checks.NoWarehouse(warehouse));
        var bin = Checks.NormalizeBin(request.Bin);
        var bins = await Checks.UnknownBinsAsync(db, warehouse, [("bin", bin)], cancellationToken);
        if (bins.Count > 0)
            return Problems.Validation(bins);
        var skus = request.Skus?.Select(s => s.Trim()).Distinct().ToList();
        if (skus is { Count: > 0 })
        {
            var unknown = await Checks.UnknownSkusAsync(catalog, skus.Select((s, i) => ($"skus[{i}]", s)), cancellationToken);
            if (unknown.Count > 0)
                return Problems.Validation(unknown);
        }

        return await idempotency.ExecuteAsync(db, "inventory.start-count", idempotencyKey, request, async ct =>
        {
            // Inside the write transaction no movement can slip in between the position and the quantities read: SQLite
            // has one writer, and on PostgreSQL postings hold the warehouse shared until they commit (StockLedger).
            await db.LockAsync(StockLedger.WarehouseLock(db.CurrentTenantId, warehouse), ct);
            var freeze = await db.Movements.MaxAsync(m => (long?)m.Id, ct) ?? 0;
            var expected = await BookAsync(db, warehouse, bin, skus is { Count: > 0 } ? skus : null, ct);
            if (expected.Count > MaxLines)
                return IdempotentOutcome.Refused(Problems.Validation("skus",
                    $"The count would cover {expected.Count:N0} SKUs; at most {MaxLines:N0} per count. Narrow it to some SKUs or a bin."));
            var count = new CountSession
            {
                Id = Guid.CreateVersion7(),
                Number = await DocumentNumbers.NextAsync(db, "count", "CNT", ct),
                Warehouse = warehouse,
                Bin = bin,
                Skus = skus is { Count: > 0 } ? string.Join(',', skus) : null,
                Blind = request.Blind ?? false,
                Reference = request.Reference?.Trim(),
                Status = CountStatus.Counting,
                FreezePosition = freeze,
                StartedAt = clock.GetUtcNow(),
                StartedBy = user.Actor(),
                Version = 1,
                Lines = expected.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => new CountLine { Sku = e.Key, Expected = e.Value }).ToList(),
            };
            db.Counts.Add(count);
            db.InsertAddedInBulk();
            return IdempotentOutcome.Created($"/api/inventory/counts/{count.Id}", ToDto(count, count.Lines.Count, 0, 0));
        }, cancellationToken);
    }

    /// <summary>The book quantity now of every SKU in scope (on hand, or in the bin); SKUs named but not stocked are 0.</summary>
    private static async Task<Dictionary<string, decimal>> BookAsync(InventoryDbContext db, string warehouse, string? bin, IReadOnlyCollection<string>? skus,
        CancellationToken cancellationToken)
    {
        Dictionary<string, decimal> book;
        if (bin is null)
        {
            var query = db.Stock.AsNoTracking().Where(s => s.Warehouse == warehouse);
            if (skus is not null)
                query = query.Where(s => skus.Contains(s.Sku));
            else
                query = query.Where(s => s.OnHand > 0 || s.OnHand < 0);
            book = await query.ToDictionaryAsync(s => s.Sku, s => s.OnHand, cancellationToken);
        }
        else
        {
            var query = db.BinStock.AsNoTracking().Where(b => b.Warehouse == warehouse && b.Bin == bin);
            if (skus is not null)
                query = query.Where(b => skus.Contains(b.Sku));
            else
                query = query.Where(b => b.OnHand > 0 || b.OnHand < 0);
            book = await query.ToDictionaryAsync(b => b.Sku, b => b.OnHand, cancellationToken);
        }
        foreach (var sku in skus ?? [])
            book.TryAdd(sku, 0);
        return book;
    }

    private static async Task<Results<Ok<PagedResult<CountDto>>, ValidationProblem>> List(
        string? warehouse, string? status, int? page, int? pageSize, InventoryDbContext db, CancellationToken cancellationToken)
    {
        if (!PageRequest.TryCreate(page, pageSize, out var paging, out var problem))
            return problem!;
        var query = db.Counts.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(warehouse))
        {
            var code = Warehouses.Normalize(warehouse);
            query = query.Where(c => c.Warehouse == code);
        }
        if (!string.IsNullOrWhiteSpace(status))
        {
            if (!Enum.TryParse<CountStatus>(status, ignoreCase: true, out var wanted))
                return Problems.Validation("status", $"status must be one of: {string.Join(", ", Enum.GetNames<CountStatus>())}.");
            query = query.Where(c => c.Status == wanted);
        }
        var total = await query.CountAsync(cancellationToken);
        var rows = await query.OrderByDescending(c => c.StartedAt).ThenByDescending(c => c.Id).Skip(paging.Skip).Take(paging.PageSize)
            .Select(c => new { Count = c, Lines = c.Lines.Count, Counted = c.Lines.Count(l => l.Counted != null) })
            .ToListAsync(cancellationToken);
        var items = new List<CountDto>();
        foreach (var row in rows)
            items.Add(ToDto(row.Count, row.Lines, row.Counted, await DifferencesAsync(db, row.Count, cancellationToken)));
        return TypedResults.Ok(new PagedResult<CountDto>(items, paging.Page, paging.PageSize, total));
    }

    private static async Task<Results<Ok<CountDto>, ProblemHttpResult>> Get(Guid id, InventoryDbContext db, CancellationToken cancellationToken)
    {
        var count = await db.Counts.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (count is null)
            return Problems.NotFound("Count", id.ToString());
        return TypedResults.Ok(await SummaryAsync(db, count, cancellationToken));
    }

    private static async Task<CountDto> SummaryAsync(InventoryDbContext db, CountSession count, CancellationToken cancellationToken)
    {
        var lines = await db.CountLines.CountAsync(l => l.CountId == count.Id, cancellationToken);
        var counted = await db.CountLines.CountAsync(l => l.CountId == count.Id && l.Counted != null, cancellationToken);
        return ToDto(count, lines, counted, await DifferencesAsync(db, count, cancellationToken));
    }

    /// <summary>Counted lines whose count differs from the book (posted: whose adjustment was not zero).</summary>
    private static async Task<int> DifferencesAsync(InventoryDbContext db, CountSession count, CancellationToken cancellationToken)
    {
        if (count.Status == CountStatus.Posted)
            return await db.CountLines.CountAsync(l => l.CountId == count.Id && l.Difference != null && (l.Difference > 0 || l.Difference < 0), cancellationToken);
        var counted = await db.CountLines.AsNoTracking().Where(l => l.CountId == count.Id && l.Counted != null)
            .Select(l => new { l.Counted, l.BookAtEntry }).ToListAsync(cancellationToken);
        return counted.Count(l => l.Counted != l.BookAtEntry);
    }

    private static async Task<Results<Ok<PagedResult<CountLineDto>>, ValidationProblem, ProblemHttpResult>> Lines(
        Guid id, bool? differences, int? page, int? pageSize, ClaimsPrincipal user, InventoryDbContext db, CancellationToken cancellationToken)
    {
        if (!PageRequest.TryCreate(page, pageSize, out var paging, out var problem))
            return problem!;
        var count = await db.Counts.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (count is null)
            return Problems.NotFound("Count", id.ToString());
        var reveal = Reveals(count, user);
        var lines = await db.CountLines.AsNoTracking().Where(l => l.CountId == id).OrderBy(l => l.Sku).ToListAsync(cancellationToken);
        if (differences == true)
            lines = lines.Where(l => count.Status == CountStatus.Posted ? l.Difference is decimal d && d != 0 : l.PendingDifference is decimal p && p != 0).ToList();
        var items = lines.Skip(paging.Skip).Take(paging.PageSize).Select(l => ToDto(l, count, reveal)).ToList();
        return TypedResults.Ok(new PagedResult<CountLineDto>(items, paging.Page, paging.PageSize, lines.Count));
    }

    private static async Task<IResult> Enter(
        Guid id, EntriesRequest request, ClaimsPrincipal user, InventoryDbContext db, CatalogLookup catalog, TimeProvider clock, CancellationToken cancellationToken)
    {
        var count = await db.Counts.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (count is null)
            return Problems.NotFound("Count", id.ToString());
        var listed = await db.CountLines.AsNoTracking().Where(l => l.CountId == id).Select(l => l.Sku).ToListAsync(cancellationToken);
        var scope = count.Skus?.Split(',').ToHashSet();
        var errors = new Dictionary<string, string[]>();
        var added = request.Lines.Select((l, i) => (Index: i, l.Sku)).Where(l => !listed.Contains(l.Sku)).ToList();
        foreach (var (index, sku) in added.Where(a => scope is not null && !scope.Contains(a.Sku)))
            errors[$"lines[{index}].sku"] = [$"{sku} is not part of count {count.Number}."];
        foreach (var (field, messages) in await Checks.UnknownSkusAsync(catalog,
                     added.Where(a => scope is null).Select(a => ($"lines[{a.Index}].sku", a.Sku)), cancellationToken))
            errors[field] = messages;
        if (errors.Count > 0)
            return Problems.Validation(errors);

        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        count = await db.Counts.Include(c => c.Lines).FirstAsync(c => c.Id == id, cancellationToken);
        if (!count.IsOpen)
            return Problems.Conflict("The count is closed", $"Count {count.Number} is {count.Status}; counts can no longer be entered.");
        var skus = request.Lines.Select(l => l.Sku).ToList();
        var book = await BookAsync(db, count.Warehouse, count.Bin, skus, cancellationToken);
        var (now, actor) = (clock.GetUtcNow(), user.Actor());
        var entered = new List<CountLine>();
        foreach (var entry in request.Lines)
        {
            var line = count.Lines.FirstOrDefault(l => l.Sku == entry.Sku);
            if (line is null)
            {
                // Found where the count did not expect it: its expected quantity is what the book said at the freeze.
                line = new CountLine { Sku = entry.Sku, Expected = await BookAtFreezeAsync(db, count, entry.Sku, book[entry.Sku], cancellationToken) };
                count.Lines.Add(line);
            }
            (line.Counted, line.BookAtEntry, line.CountedAt, line.CountedBy, line.Reason) =
                (entry.Counted!.Value, book[entry.Sku], now, actor, string.IsNullOrWhiteSpace(entry.Reason) ? null : entry.Reason.Trim());
            entered.Add(line);
        }
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        var reveal = Reveals(count, user);
        return TypedResults.Ok(entered.Select(l => ToDto(l, count, reveal)).ToList());
    }

    /// <summary>The book quantity at the count's freeze: now, minus every movement of the SKU (in the bin) since then.</summary>
    private static async Task<decimal> BookAtFreezeAsync(InventoryDbContext db, CountSession count, string sku, decimal now, CancellationToken cancellationToken)
    {
        var since = db.Movements.Where(m => m.Sku == sku && m.Warehouse == count.Warehouse && m.Id > count.FreezePosition);
        if (count.Bin is not null)
            since = since.Where(m => m.Bin == count.Bin);
        var moved = await since.Select(m => m.Quantity).ToListAsync(cancellationToken);
        return now - moved.Sum();
    }

    private static async Task<IResult> Post(
        Guid id,
        PostRequest request,
        [FromHeader(Name = IdempotentRequests.HeaderName)] string? idempotencyKey,
        ClaimsPrincipal user,
        InventoryDbContext db,
        StockLedger ledger,
        IOutbox outbox,
        IdempotentRequests idempotency,
        TimeProvider clock,
        CancellationToken cancellationToken) =>
        await idempotency.ExecuteAsync(db, "inventory.post-count", idempotencyKey, new { id, request }, async ct =>
        {
            var count = await db.Counts.Include(c => c.Lines).FirstOrDefaultAsync(c => c.Id == id, ct);
            if (count is null)
                return IdempotentOutcome.Refused(Problems.NotFound("Count", id.ToString()));
            if (!count.IsOpen)
                return IdempotentOutcome.Refused(Problems.Conflict("The count is closed", $"Count {count.Number} is {count.Status}; it cannot be posted."));

            var (reason, actor, now) = (request.Reason.Trim(), user.Actor(), clock.GetUtcNow());
            var source = new LedgerSource("count", count.Id.ToString(), Reason: reason);
            var differing = count.Lines.Where(l => l.PendingDifference is decimal d && d != 0).OrderBy(l => l.Sku, StringComparer.Ordinal).ToList();
            var losses = differing.Where(l => l.PendingDifference < 0).ToList();
            var gains = differing.Where(l => l.PendingDifference > 0).ToList();

            // Losses first: a loss the stock cannot cover refuses the whole posting before anything is written.
            var lost = await ledger.PostAsync(count.Warehouse, MovementType.CountAdjustOut, source,
                losses.Select(l => new LedgerLine(l.Sku, -l.PendingDifference!.Value, count.Bin, Reason: l.Reason)).ToList(), actor, ct);
            if (!lost.Succeeded)
                return IdempotentOutcome.Refused(Problems.Conflict("The count cannot be posted",
                    string.Join(" ", lost.Shortages.Select(s =>
                        string.Create(CultureInfo.InvariantCulture, $"{s.Sku}: the count removes {s.Requested:0.####} but only {s.Available:0.####} is on hand and not reserved; release or ship reservations first.")))));
            var found = await ledger.PostAsync(count.Warehouse, MovementType.CountAdjustIn, source,
                gains.Select(l => new LedgerLine(l.Sku, l.PendingDifference!.Value, count.Bin, Reason: l.Reason)).ToList(), actor, ct);

            var movements = lost.Movements.Concat(found.Movements).ToDictionary(m => m.Sku);
            foreach (var line in count.Lines.Where(l => l.Counted is not null))
            {
                line.Difference = line.PendingDifference;
                if (movements.TryGetValue(line.Sku, out var movement))
                    (line.UnitCost, line.Value) = (movement.UnitCost, movement.Value);
            }
            (count.Status, count.PostedAt, count.PostedBy, count.Reason) = (CountStatus.Posted, now, actor, reason);
            outbox.Publish(new StockAdjusted(count.Id, count.Warehouse,
                differing.Select(l => new CountDifferenceLine(l.Sku, count.Bin, l.BookAtEntry!.Value, l.Counted!.Value, l.Difference!.Value,
                    l.UnitCost ?? 0, l.Value ?? 0, l.Reason ?? reason)).ToList(), now), count.Id.ToString());
            await db.SaveChangesAsync(ct);
            var counted = count.Lines.Count(l => l.Counted is not null);
            return IdempotentOutcome.Ok(ToDto(count, count.Lines.Count, counted, differing.Count));
        }, cancellationToken);

    private static async Task<IResult> Cancel(Guid id, InventoryDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        var count = await db.Counts.FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (count is null)
            return Problems.NotFound("Count", id.ToString());
        if (!count.IsOpen)
            return Problems.Conflict("The count is closed", $"Count {count.Number} is {count.Status}; it cannot be cancelled.");
        (count.Status, count.CancelledAt) = (CountStatus.Cancelled, clock.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok(await SummaryAsync(db, count, cancellationToken));
    }

    /// <summary>Expected quantities of a blind count are for supervisors (administrators) until it is posted.</summary>
    private static bool Reveals(CountSession count, ClaimsPrincipal user) => !count.Blind || !count.IsOpen || user.IsInRole(Roles.Admin);

    private static CountDto ToDto(CountSession c, int lines, int counted, int differences) => new(
        c.Id, c.Number, c.Warehouse, c.Bin, c.Skus?.Split(','), c.Blind, c.Status.ToString(), c.Reference, c.FreezePosition, c.StartedAt, c.StartedBy,
        c.PostedAt, c.PostedBy, c.Reason, lines, counted, differences, c.Version);

    private static CountLineDto ToDto(CountLine l, CountSession count, bool reveal) => new(
        l.Sku,
        reveal ? l.Expected : null,
        l.Counted,
        reveal ? l.BookAtEntry : null,
        count.Status == CountStatus.Posted ? l.Difference : reveal ? l.PendingDifference : null,
        l.UnitCost,
        l.Value,
        l.Reason,
        l.CountedAt,
        l.CountedBy);
}
