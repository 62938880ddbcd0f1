using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Tessera.Orders.Contracts;
using Tessera.Orders.Data;
using Tessera.Orders.Domain;
using Tessera.Orders.Search;
using Tessera.ServiceDefaults.Json;

namespace Tessera.Orders.Archive;

public sealed class ArchiveOptions
{
    public const string Section = "Tessera:Orders:Archive";

    /// <summary>
    /// Orders closed (rejected, cancelled, completed, returned) longer ago than this move to the archive. Keep it longer
    /// than the customer return window: a return reported for an archived order is not recorded.
    /// </summary>
    public TimeSpan After { get; set; } = TimeSpan.FromDays(90);

    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    public int BatchSize { get; set; } = 200;
}

/// <summary>Reads and writes the archive; orders in it are read-only.</summary>
public sealed class OrderArchive(OrdersArchiveDbContext archive)
{
    public static readonly JsonSerializerOptions DocumentJson = new(TesseraJson.Options)
    {
        // The document keeps every field, including those with non-public setters (status, closed at).
        IgnoreReadOnlyProperties = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public async Task<Order?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        var row = await archive.Orders.AsNoTracking().FirstOrDefaultAsync(o => o.OrderId == id, cancellationToken);
        return row is null ? null : Restore(row.Document);
    }

    public Task<(List<SearchHit> Hits, bool TextTruncated)> SearchAsync(SearchCriteria criteria, SearchCursor? after, CancellationToken cancellationToken) =>
        OrderSearchQuery.RunAsync(archive, criteria, after, archived: true, cancellationToken);

    public Task<int> CountReferencesAsync(string tenant, string prefix, CancellationToken cancellationToken) =>
        OrderSearchQuery.CountReferencesAsync(archive, tenant, prefix, cancellationToken);

    public static string Document(Order order) => JsonSerializer.Serialize(order, DocumentJson);

    public static Order Restore(string document) =>
        JsonSerializer.Deserialize<Order>(document, DocumentJson) ?? throw new JsonException("An archived order document is empty.");
}
