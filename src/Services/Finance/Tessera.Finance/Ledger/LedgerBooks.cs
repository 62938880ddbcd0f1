using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Tessera.Finance.Data;
using Tessera.Finance.Domain;

namespace Tessera.Finance.Ledger;

/// <summary>Why the ledger refused something: a title and sentences for a 422 (or 409) problem.</summary>
public sealed class LedgerException(string title, IReadOnlyList<string> problems, int status = StatusCodes.Status422UnprocessableEntity)
    : Exception(title + ": " + string.Join(" ", problems))
{
    public string Title { get; } = title;
    public IReadOnlyList<string> Problems { get; } = problems;
    public int Status { get; } = status;
}

/// <summary>The head of a tenant's hash chain as a posting reads it: how many entries, the last hash, the lock date, and the books' generation.</summary>
public sealed record LedgerHead(long Count, string LastHash, DateOnly? LockDate, long Generation);

/// <summary>
/// What postings need of a tenant's books and rarely changes: settings, accounts (active, role) and when each posting
/// rule version took effect. Cached per tenant and generation, so that the hot path reads one row (the head) instead
/// of the chart; every change of these bumps the generation in the same transaction.
/// </summary>
public sealed record BooksSnapshot(
    long Generation,
    string Chart,
    string Currency,
    string TimeZone,
    int CustomerTermsDays,
    int SupplierTermsDays,
    decimal BillTolerancePercent,
    IReadOnlyDictionary<string, (bool Active, string? Role)> Accounts,
    IReadOnlyDictionary<string, IReadOnlyList<(int Version, long EffectiveFromTicks)>> Rules)
{
    /// <summary>The version of a rule in force at a moment: the latest that took effect at or before it.</summary>
    public int VersionAt(string posting, DateTimeOffset at) =>
        Rules.TryGetValue(posting, out var versions) && versions.Where(v => v.EffectiveFromTicks <= at.UtcTicks).Select(v => v.Version).DefaultIfEmpty(0).Max() is > 0 and var found
            ? found
            : throw new InvalidOperationException($"The tenant has no posting rule for {posting} in force at {at:O}.");
}

public sealed class BooksCache
{
    private readonly ConcurrentDictionary<string, BooksSnapshot> _books = new(StringComparer.Ordinal);

    public BooksSnapshot? Get(string tenant, long generation) => _books.TryGetValue(tenant, out var b) && b.Generation == generation ? b : null;

    public void Set(string tenant, BooksSnapshot snapshot) => _books[tenant] = snapshot;
}

/// <summary>
/// A tenant's books, opened the first time anything is posted or asked for: the default chart (Vietnamese, TT99)
/// with its accounts and the first version of its posting rules, unless an operator picked another chart first.
/// </summary>
public sealed class LedgerBooks(FinanceDbContext db, ChartCatalog charts, BooksCache cache, PreparedStatements statements, TimeProvider clock)
{
    // The last snapshot this scope used, while the transaction that read it holds the books: no change of them can come
    // between two postings of one message. A scope may serve several tenants and transactions (the inbox), hence the checks.
    private BooksSnapshot? _last;
    private (string? Tenant, object? Transaction) _lastRead;

    /// <summary>
    /// Holds the tenant's books until the write transaction ends. Every finance write of a tenant takes this before it
    /// reads anything it will write: the chain head, the lock date and the chart that postings read and advance, the
    /// documents and order lines they settle, a row that may not exist yet. On SQLite the write gate already lets one
    /// writer in at a time, and this does nothing; on PostgreSQL, where requests, inbox handlers and instances write at
    /// once, it is an advisory lock per tenant, so a tenant's writes queue as they did behind the gate while other
    /// tenants' go on (docs/adr/0024). It comes before every row lock the write takes (only an Idempotency-Key's lock
    /// comes earlier), so two finance writes never wait for each other the other way round. Taking it again in the same
    /// transaction costs a round trip and nothing else; it is taken again every time because an inbox message that fails
    /// is rolled back to its savepoint, and gives back the locks it took.
    /// </summary>
    public Task HoldAsync(CancellationToken cancellationToken) =>
        db.LockAsync(BooksLock(db.CurrentTenantId ?? throw new InvalidOperationException("Books are held for a tenant.")), cancellationToken);

    public static string BooksLock(string tenant) => $"finance-books:{tenant}";

    /// <summary>The tenant's books, held, and created with the default chart when they do not exist yet. Call inside a write transaction.</summary>
    public async Task<Books> OpenAsync(CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is null)
            throw new InvalidOperationException("Books are opened inside a write transaction.");
        await HoldAsync(cancellationToken);
        var books = await db.Books.AsNoTracking().FirstOrDefaultAsync(cancellationToken);
        if (books is not null)
            return books;
        books = new Books { CreatedAt = clock.GetUtcNow(), UpdatedAt = clock.GetUtcNow() };
        db.Books.Add(books);
        Seed(charts.Get(books.Chart), "system");
        await db.SaveChangesAsync(cancellationToken);
        // The caller reads its own copies; what was seeded here stays out of its change tracker.
        foreach (var entry in db.ChangeTracker.Entries().Where(e => e.Entity is Books or Account or PostingRuleVersion).ToList())
            entry.State = EntityState.Detached;
        return books;
    }

    /// <summary>The books for a read: opened in a short write of their own the first time (a GET on a new tenant sees its chart).</summary>
    public async Task<Books> ForReadAsync(CancellationToken cancellationToken)
    {
        var books = await db.Books.AsNoTracking().FirstOrDefaultAsync(cancellationToken);
        if (books is not null)
            return books;
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        books = await OpenAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return books;
    }

    /// <summary>The head of the chain (one indexed read), with the books held and opened first if they do not exist yet. Inside a write transaction.</summary>
    public async Task<LedgerHead> HeadAsync(CancellationToken cancellationToken)
    {
        await HoldAsync(cancellationToken);
        for (var attempt = 0; ; attempt++)
        {
            var head = statements.Get("SELECT entry_count, last_hash, lock_date, generation FROM ledgers WHERE tenant_id = @t", ("@t", db.CurrentTenantId));
            await using (var reader = await head.ExecuteReaderAsync(cancellationToken))
                if (await reader.ReadAsync(cancellationToken))
                    return new LedgerHead(reader.GetInt64(0), reader.GetString(1), reader.IsDBNull(2) ? null : Sql.ReadDate(reader, 2), reader.GetInt64(3));
            if (attempt > 0)
                throw new InvalidOperationException("The tenant's books could not be opened.");
            await OpenAsync(cancellationToken);
        }
    }

    /// <summary>The books as postings use them, now (reads the head for the generation). Inside a write transaction.</summary>
    public async Task<BooksSnapshot> SnapshotAsync(CancellationToken cancellationToken) =>
        _last is { } last && _lastRead == (db.CurrentTenantId, db.Database.CurrentTransaction) ? last
            : await SnapshotAsync(await HeadAsync(cancellationToken), cancellationToken);

    /// <summary>The books as postings use them, from the cache while their generation holds.</summary>
    public async Task<BooksSnapshot> SnapshotAsync(LedgerHead head, CancellationToken cancellationToken)
    {
        var tenant = db.CurrentTenantId!;
        if (cache.Get(tenant, head.Generation) is { } cached)
            return Remember(tenant, cached);
        var books = await db.Books.AsNoTracking().FirstAsync(cancellationToken);
        var accounts = await db.Accounts.AsNoTracking().Select(a => new { a.Code, a.Active, a.Role }).ToListAsync(cancellationToken);
        var rules = await db.PostingRules.AsNoTracking().Select(r => new { r.Event, r.Version, r.EffectiveFrom }).ToListAsync(cancellationToken);
        var snapshot = new BooksSnapshot(head.Generation, books.Chart, books.Currency, books.TimeZone, books.CustomerTermsDays, books.SupplierTermsDays,
            books.BillTolerancePercent,
            accounts.ToDictionary(a => a.Code, a => (a.Active, a.Role), StringComparer.Ordinal),
            rules.GroupBy(r => r.Event).ToDictionary(g => g.Key,
                g => (IReadOnlyList<(int, long)>)g.Select(r => (r.Version, r.EffectiveFrom.UtcTicks)).ToList(), StringComparer.Ordinal));
        cache.Set(tenant, snapshot);
        return Remember(tenant, snapshot);
    }

    private BooksSnapshot Remember(string tenant, BooksSnapshot snapshot)
    {
        (_last, _lastRead) = (snapshot, (tenant, db.Database.CurrentTransaction));
        return snapshot;
    }

    /// <summary>Marks the books changed (accounts, rules or settings): cached copies are read again. Inside the change's write transaction.</summary>
    public async Task TouchAsync(CancellationToken cancellationToken)
    {
        _last = null;
        await using var touch = Sql.Command(db, "UPDATE ledgers SET generation = generation + 1 WHERE tenant_id = @t", ("@t", db.CurrentTenantId));
        await touch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Replaces the chart and rules of books that have no entries yet with those of <paramref name="chart"/>.</summary>
    public async Task ReplaceChartAsync(Books books, string chart, string actor, CancellationToken cancellationToken)
    {
        await db.PostingRules.ExecuteDeleteAsync(cancellationToken);
        await db.Accounts.ExecuteDeleteAsync(cancellationToken);
        _last = null;
        books.Chart = chart;
        books.Generation++;
        Seed(charts.Get(chart), actor);
    }

    private void Seed(ChartTemplate template, string actor)
    {
        var now = clock.GetUtcNow();
        foreach (var account in template.Accounts)
            db.Accounts.Add(new Account
            {
                Code = account.Code,
                Parent = account.Parent,
                Type = account.Type,
                NormalSide = account.NormalSide,
                Statement = account.Statement,
                Role = account.Role,
                Name = account.Name,
                NameVi = account.NameVi,
                Active = true,
                FromTemplate = true,
                CreatedAt = now,
                UpdatedAt = now,
            });
        foreach (var (posting, lines) in template.Rules)
            db.PostingRules.Add(new PostingRuleVersion
            {
                Event = posting,
                Version = 1,
                Lines = PostingRule.Serialize(lines),
                EffectiveFrom = DateTimeOffset.MinValue.ToUniversalTime(),
                CreatedAt = now,
                CreatedBy = actor,
                Note = $"From the {template.Name} template",
            });
    }
}
