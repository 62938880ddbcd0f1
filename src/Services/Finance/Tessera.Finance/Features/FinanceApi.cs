using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Tessera.Finance.Data;
using Tessera.Finance.Ledger;
using Tessera.ServiceDefaults.Security;

namespace Tessera.Finance.Features;

/// <summary>
/// Who may do what in the books. Posting (manual entries, payments, bills, posting rules, accounts, locking periods)
/// is for accountants and operators only — not every tenant administrator: keeping the books is a duty of its own.
/// Reading is for those and for finance staff, administrators and viewers. Reopening a closed period and choosing the
/// chart are operators' alone.
/// </summary>
public static class FinanceAccess
{
    public static readonly string[] Post = [Roles.Accountant, Roles.Operator];
    public static readonly string[] Read = [Roles.Accountant, Roles.Operator, Roles.Finance, Roles.Admin, Roles.Viewer];

    public static TBuilder Posting<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(p => p.RequireRole(Post));

    public static TBuilder Reading<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(p => p.RequireRole(Read));

    public static TBuilder OperatorsOnly<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(p => p.RequireRole(Roles.Operator));
}

public static class LedgerProblems
{
    public static ProblemHttpResult From(LedgerException error) =>
        TypedResults.Problem(statusCode: error.Status, title: error.Title, detail: string.Join(" ", error.Problems),
            extensions: new Dictionary<string, object?> { ["problems"] = error.Problems });

    /// <summary>
    /// Runs a write in one transaction through the write gate; a refusal of the ledger (unbalanced, locked, unknown
    /// account) becomes its problem answer and nothing is kept.
    /// </summary>
    public static async Task<IResult> WriteAsync(FinanceDbContext db, Func<CancellationToken, Task<IResult>> work, CancellationToken cancellationToken)
    {
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        try
        {
            var result = await work(cancellationToken);
            if (result is IStatusCodeHttpResult { StatusCode: >= 400 })
                return result;
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return result;
        }
        catch (LedgerException error)
        {
            return From(error);
        }
    }
}

/// <summary>Reports and lists answer CSV when asked with format=csv (or Accept: text/csv): a file a spreadsheet opens as it is.</summary>
public static class CsvExport
{
    public static bool Wanted(HttpRequest request, string? format) =>
        string.Equals(format, "csv", StringComparison.OrdinalIgnoreCase) ||
        request.Headers.Accept.Any(a => a?.Contains("text/csv", StringComparison.OrdinalIgnoreCase) == true);

    public static IResult File(string name, IEnumerable<string> header, IEnumerable<IEnumerable<string?>> rows)
    {
        var text = new StringBuilder();
        text.AppendJoin(',', header.Select(Domain.Csv.Cell)).Append("\r\n");
        foreach (var row in rows)
            text.AppendJoin(',', row.Select(Domain.Csv.Cell)).Append("\r\n");
        // A byte order mark, so that spreadsheet programs read the Vietnamese names as UTF-8.
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(text.ToString())).ToArray();
        return TypedResults.File(bytes, "text/csv; charset=utf-8", name);
    }

    public static string Amount(decimal value) => value.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture);
}
