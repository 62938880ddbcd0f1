using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.AspNetCore.Mvc;
using Tessera.ServiceDefaults.Api;

namespace Tessera.Web.FrontEnd;

/// <summary>
/// A list as CSV, with the list's filters: written to the response page by page as the service answers, so memory
/// holds one page whatever the list's length. UTF-8 with a byte order mark (spreadsheets then read Vietnamese right);
/// values a spreadsheet would run as formulas are prefixed with an apostrophe.
/// </summary>
public static class CsvExport
{
    public const int PageSize = 200;

    public static async Task<IActionResult> WriteAsync(HttpResponse response, string fileName, IReadOnlyList<string> header,
        IAsyncEnumerable<IReadOnlyList<string?>> rows, CancellationToken cancellationToken)
    {
        response.ContentType = "text/csv; charset=utf-8";
        response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
        await using var writer = new StreamWriter(response.Body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), 32 * 1024);
        await writer.WriteLineAsync(Line(header));
        var written = 0;
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            await writer.WriteLineAsync(Line(row));
            if (++written % PageSize == 0)
                await writer.FlushAsync(cancellationToken);
        }
        await writer.FlushAsync(cancellationToken);
        return new EmptyResult();
    }

    /// <summary>Every item of a paged list, one page request at a time.</summary>
    public static async IAsyncEnumerable<IReadOnlyList<string?>> Pages<T>(Func<int, Task<PagedResult<T>>> load, Func<T, IReadOnlyList<string?>> row,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (var page = 1; ; page++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var result = await load(page);
            foreach (var item in result.Items)
                yield return row(item);
            if (result.Items.Count == 0 || page * result.PageSize >= result.Total)
                yield break;
        }
    }

    public static string Line(IEnumerable<string?> values) => string.Join(',', values.Select(v =>
    {
        var text = v ?? "";
        if (text.Length > 0 && text[0] is '=' or '+' or '-' or '@' && !decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            text = "'" + text;
        return text.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
    }));

    public static string? Number(decimal? value) => value?.ToString(CultureInfo.InvariantCulture);

    public static string? Moment(DateTimeOffset? value) => value?.ToString("O", CultureInfo.InvariantCulture);
}
