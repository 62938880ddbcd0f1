using System.Globalization;
using System.Net.Http.Json;
using Tessera.Inventory.Contracts;
using Tessera.Orders.Contracts;
using Tessera.ServiceDefaults.Errors;
using Tessera.ServiceDefaults.Json;

namespace Tessera.Reporting.Reconciliation;

/// <summary>The orders service's own figures of a business day: orders placed and revenue per currency (GET /api/orders/daily).</summary>
public sealed class OrdersFigures(HttpClient http)
{
    public async Task<IReadOnlyList<DailyOrdersDto>> DailyAsync(DateOnly from, DateOnly to, string timeZone, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(
            $"/api/orders/daily?from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}&timeZone={Uri.EscapeDataString(timeZone)}", cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new DependencyUnavailableException("orders",
                new HttpRequestException(string.Create(CultureInfo.InvariantCulture, $"Orders answered {(int)response.StatusCode} to the daily figures request.")));
        return await response.Content.ReadFromJsonAsync<List<DailyOrdersDto>>(TesseraJson.Options, cancellationToken) ?? [];
    }
}

/// <summary>Inventory's ledger totals of source documents (GET /api/inventory/source-totals), 200 documents per call.</summary>
public sealed class InventoryFigures(HttpClient http)
{
    public const int Batch = 200;

    public async Task<IReadOnlyList<SourceTotalDto>> SourceTotalsAsync(string sourceType, IEnumerable<string> sourceIds, CancellationToken cancellationToken)
    {
        var totals = new List<SourceTotalDto>();
        foreach (var chunk in sourceIds.Distinct(StringComparer.Ordinal).Chunk(Batch))
        {
            using var response = await http.GetAsync(
                $"/api/inventory/source-totals?sourceType={Uri.EscapeDataString(sourceType)}&sourceIds={string.Join(',', chunk.Select(Uri.EscapeDataString))}",
                cancellationToken);
            if (!response.IsSuccessStatusCode)
                throw new DependencyUnavailableException("inventory",
                    new HttpRequestException(string.Create(CultureInfo.InvariantCulture, $"Inventory answered {(int)response.StatusCode} to the source totals request.")));
            totals.AddRange(await response.Content.ReadFromJsonAsync<List<SourceTotalDto>>(TesseraJson.Options, cancellationToken) ?? []);
        }
        return totals;
    }
}
