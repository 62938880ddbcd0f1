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

/// <summary>
/// A tenant's books, opened the first time anything is posted or asked for: the default chart (Vietnamese, TT99)
/// with its accounts and the first version of its posting rules, unless an operator picked another chart first.
/// </summary>
public sealed class LedgerBooks(FinanceDbContext db, ChartCatalog charts, TimeProvider clock)
{
    /// <summary>The tenant's books, created with the default chart when they do not exist yet. Call inside a write transaction.</summary>
    public async Task<Books> OpenAsync(CancellationToken cancellationToken)
    {
        var books = await db.Books.AsNoTracking().FirstOrDefaultAsync(cancellationToken);
        if (books is not null)
            return books;
        if (db.Database.CurrentTransaction is null)
            throw new InvalidOperationException("Books are opened inside a write transaction.");
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

    /// <summary>Replaces the chart and rules of books that have no entries yet with those of <paramref name="chart"/>.</summary>
    public async Task ReplaceChartAsync(Books books, string chart, string actor, CancellationToken cancellationToken)
    {
        await db.PostingRules.ExecuteDeleteAsync(cancellationToken);
        await db.Accounts.ExecuteDeleteAsync(cancellationToken);
        books.Chart = chart;
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
