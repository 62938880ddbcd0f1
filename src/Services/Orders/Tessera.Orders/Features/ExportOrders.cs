using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Tessera.Orders.Archive;
using Tessera.Orders.Data;
using Tessera.Orders.Search;
using Tessera.ServiceDefaults.Errors;
using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.Orders.Features;

/// <summary>
/// The orders of a search as CSV — the same parameters as /search, every page of it — written as it is read, a
/// thousand orders at a time: memory stays flat however many orders match, and the first rows arrive at once.
/// </summary>
public static class ExportOrders
{
    private const int PageSize = 1000;

    public static readonly string[] Columns =
        ["number", "placed_at", "status", "channel", "external_ref", "customer_name", "customer_phone", "currency", "total", "lines", "tags", "archived"];

    public static void Map(RouteGroupBuilder orders) =>
        orders.MapGet("/export", Handle).WithName("ExportOrders")
            .WithSummary("The orders a search finds (the parameters of /search; no limit or cursor) as CSV, streamed, newest first by default.")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .ProducesValidationProblem();

    private static async Task<IResult> Handle(
        HttpContext http, OrdersDbContext db, OrderArchive archive, ITenantContext tenant, OrderPrivacy privacy, OrderComposer composer,
        CancellationToken cancellationToken)
    {
        var parsed = await SearchOrders.ParseAsync(http.Request, db, archive, tenant, privacy, composer, cancellationToken, PageSize);
        if (parsed.Errors is { } errors)
            return Problems.Validation(errors);

        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition = "attachment; filename=\"orders.csv\"";
        await using var writer = new StreamWriter(http.Response.Body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), bufferSize: 64 * 1024);
        await writer.WriteLineAsync(Line(Columns));
        var after = parsed.After;
        var tenantId = tenant.TenantId!;
        while (true)
        {
            var page = await SearchOrders.RunAsync(db, archive, parsed.Criteria!, after, parsed.IncludeArchived, cancellationToken);
            var ids = page.Items.Where(o => !o.Archived).Select(o => o.Id).ToList();
            var contacts = await db.Orders.AsNoTracking().Where(o => ids.Contains(o.Id))
                .Select(o => new { o.Id, o.Customer.Name, o.Customer.Phone }).ToDictionaryAsync(o => o.Id, cancellationToken);
            foreach (var order in page.Items)
            {
                var contact = contacts.GetValueOrDefault(order.Id);
                var customer = contact is null ? null : privacy.Reveal(new Domain.ProtectedCustomer { Name = contact.Name, Phone = contact.Phone }, tenantId);
                await writer.WriteLineAsync(Line(
                [
                    order.Number.ToString(CultureInfo.InvariantCulture), order.PlacedAt.ToString("O", CultureInfo.InvariantCulture), order.Status.ToString(),
                    order.Channel, order.ExternalRef, customer?.Name, customer?.Phone, order.Currency, order.Total.ToString(CultureInfo.InvariantCulture),
                    order.LineCount.ToString(CultureInfo.InvariantCulture), string.Join(';', order.Tags ?? []), order.Archived ? "true" : "false",
                ]));
            }
            // Each page goes out as soon as it is written: nothing waits for the last order.
            await writer.FlushAsync(cancellationToken);
            if (page.Next is null)
                break;
            after = SearchCursor.Decode(page.Next);
        }
        return Results.Empty;
    }

    /// <summary>One CSV record (RFC 4180); a value a spreadsheet would run as a formula gets a leading apostrophe.</summary>
    public static string Line(IEnumerable<string?> values) => string.Join(',', values.Select(v =>
    {
        var text = v ?? "";
        if (text.Length > 0 && text[0] is '=' or '+' or '-' or '@' && !decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            text = "'" + text;
        return text.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
    }));
}
