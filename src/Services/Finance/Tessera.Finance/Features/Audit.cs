using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Tessera.Finance.Contracts;
using Tessera.Finance.Data;
using Tessera.Finance.Domain;
using Tessera.Finance.Ledger;

namespace Tessera.Finance.Features;

/// <summary>
/// Recomputes the tenant's hash chain from its first entry, streaming entries and lines in number order, and names
/// the first entry whose stored hash is not what its content and its predecessor's hash give — an edited amount, a
/// removed or inserted entry, a number out of sequence. `tessera finance verify` calls it.
/// </summary>
public static class Audit
{
    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/audit/verify", Verify).Reading().WithTags("Audit").WithName("VerifyHashChain")
            .WithSummary("Recompute the hash chain of every entry and name the first broken one.");

    private static async Task<IResult> Verify(FinanceDbContext db, LedgerBooks books, TimeProvider clock, CancellationToken cancellationToken)
    {
        var ledger = await books.ForReadAsync(cancellationToken);
        return TypedResults.Ok(await VerifyAsync(db, ledger, clock, cancellationToken));
    }

    public static async Task<AuditVerificationDto> VerifyAsync(FinanceDbContext db, Books ledger, TimeProvider clock, CancellationToken cancellationToken)
    {
        await Sql.OpenAsync(db, cancellationToken);
        var tenant = db.CurrentTenantId;
        // Up to the head the caller read: it was committed with its last entry, so every entry up to it is there to check.
        // Entries posted since are left for the next verification rather than taken for entries the head does not know.
        await using var entries = Sql.Command(db, """
            SELECT id, number, date, original_date, kind, description, source_type, source_id, rule, rule_version, reverses, posted_at, posted_by, previous_hash, hash
            FROM journal_entries WHERE tenant_id = @t AND number <= @n ORDER BY number
            """, ("@t", tenant), ("@n", ledger.EntryCount));
        // A second connection streams the lines alongside, in the same order: one pass over each table however long the journal.
        var connection = db.Database.GetDbConnection();
        await using var linesConnection = DbProviderFactories.GetFactory(connection)!.CreateConnection()!;
        linesConnection.ConnectionString = db.Database.GetConnectionString();
        await linesConnection.OpenAsync(cancellationToken);
        await using var lines = linesConnection.CreateCommand();
        lines.CommandText = "SELECT number, line_no, account, debit, credit, warehouse, document, memo FROM journal_lines WHERE tenant_id = @t AND number <= @n ORDER BY number, line_no";
        Sql.Add(lines, "@t", tenant);
        Sql.Add(lines, "@n", ledger.EntryCount);
        await using var lineReader = await lines.ExecuteReaderAsync(cancellationToken);
        var hasLine = await lineReader.ReadAsync(cancellationToken);

        var previous = HashChain.Genesis;
        long expectedNumber = 0, count = 0;
        await using var reader = await entries.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            count++;
            expectedNumber++;
            var id = Guid.Parse(reader.GetString(0));
            var number = reader.GetInt64(1);
            var entryLines = new List<(int, string, decimal, decimal, string?, string?, string?)>();
            while (hasLine && lineReader.GetInt64(0) < number)
                hasLine = await lineReader.ReadAsync(cancellationToken);
            while (hasLine && lineReader.GetInt64(0) == number)
            {
                entryLines.Add((lineReader.GetInt32(1), lineReader.GetString(2), Sql.ReadDecimal(lineReader, 3), Sql.ReadDecimal(lineReader, 4),
                    Sql.ReadString(lineReader, 5), Sql.ReadString(lineReader, 6), Sql.ReadString(lineReader, 7)));
                hasLine = await lineReader.ReadAsync(cancellationToken);
            }
            var stored = reader.GetString(14);
            var canonical = HashChain.Canonical(number, Sql.ReadDate(reader, 2), reader.IsDBNull(3) ? null : Sql.ReadDate(reader, 3), reader.GetString(4),
                reader.GetString(5), Sql.ReadString(reader, 6), Sql.ReadString(reader, 7), Sql.ReadString(reader, 8),
                reader.IsDBNull(9) ? null : reader.GetInt32(9), reader.IsDBNull(10) ? null : Guid.Parse(reader.GetString(10)),
                new DateTimeOffset(reader.GetInt64(11), TimeSpan.Zero), reader.GetString(12), entryLines);
            var computed = HashChain.Next(previous, canonical);
            string? reason = null;
            if (number != expectedNumber)
                reason = string.Create(CultureInfo.InvariantCulture, $"entry number {number} where {expectedNumber} was expected: an entry is missing or out of place");
            else if (reader.GetString(13) != previous)
                reason = "its previous hash is not the hash of the entry before it";
            else if (computed != stored)
                reason = "its content (date, description, source, lines or amounts) is not what was hashed when it was posted";
            if (reason is not null)
                return new AuditVerificationDto(false, count, previous, new BrokenEntryDto(id, number, stored, computed, reason), clock.GetUtcNow());
            previous = stored;
        }
        if (count != ledger.EntryCount || previous != ledger.LastHash)
            return new AuditVerificationDto(false, count, previous,
                new BrokenEntryDto(Guid.Empty, count + 1, ledger.LastHash, previous,
                    string.Create(CultureInfo.InvariantCulture, $"the books' head says {ledger.EntryCount} entries ending in {ledger.LastHash[..12]}…, the journal has {count} ending in {previous[..12]}…: entries were removed")),
                clock.GetUtcNow());
        return new AuditVerificationDto(true, count, previous, null, clock.GetUtcNow());
    }
}
