using System.Net.Http.Json;
using System.Text.Json;
using Tessera.Reporting.Contracts;
using Tessera.ServiceDefaults.Json;

namespace Tessera.Web.Services;

/// <summary>A metric's rows as the reporting service serves them (camelCase columns), and what it says about their freshness.</summary>
public sealed record MetricRows(IReadOnlyList<JsonElement> Rows, DateTimeOffset? BuiltAt, IReadOnlyList<string> Warnings)
{
    public decimal Sum(string column) => Rows.Sum(r => r.TryGetProperty(column, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDecimal() : 0m);

    public static decimal Number(JsonElement row, string column) =>
        row.TryGetProperty(column, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDecimal() : 0m;

    public static string Text(JsonElement row, string column) =>
        row.TryGetProperty(column, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() ?? "" : "";
}

/// <summary>The reporting service: metrics (read only from its ADS tables), runs, models, data quality and reconciliation.</summary>
public sealed class ReportingApi(HttpClient http)
{
    public async Task<MetricRows> MetricAsync(string metric, string? from, string? to, string? groupBy, CancellationToken cancellationToken)
    {
        var document = (await http.GetFromJsonAsync<JsonElement>($"/api/reporting/metrics/{Uri.EscapeDataString(metric)}?" + HttpExtensions.Query(
            ("from", from), ("to", to), ("groupBy", groupBy)), TesseraJson.Options, cancellationToken));
        var builtAt = document.TryGetProperty("builtAt", out var b) && b.ValueKind == JsonValueKind.String ? b.GetDateTimeOffset() : (DateTimeOffset?)null;
        var warnings = document.TryGetProperty("warnings", out var w) ? w.EnumerateArray().Select(x => x.GetString() ?? "").ToList() : [];
        return new MetricRows(document.GetProperty("rows").EnumerateArray().ToList(), builtAt, warnings);
    }

    /// <summary>A metric as a CSV file, as the service writes it.</summary>
    public async Task<byte[]> CsvAsync(string metric, string? from, string? to, string? groupBy, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync($"/api/reporting/metrics/{Uri.EscapeDataString(metric)}?" + HttpExtensions.Query(
            ("from", from), ("to", to), ("groupBy", groupBy), ("format", "csv")), cancellationToken);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsByteArrayAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<MetricDto>> CatalogueAsync(CancellationToken cancellationToken) =>
        (await http.GetFromJsonAsync<List<MetricDto>>("/api/reporting/metrics", TesseraJson.Options, cancellationToken))!;

    public async Task<IReadOnlyList<RunSummaryDto>> RunsAsync(int limit, CancellationToken cancellationToken) =>
        (await http.GetFromJsonAsync<List<RunSummaryDto>>($"/api/reporting/runs?limit={limit}", TesseraJson.Options, cancellationToken))!;

    public async Task<RunDto?> RunAsync(Guid id, CancellationToken cancellationToken) =>
        await (await http.GetAsync($"/api/reporting/runs/{id}", cancellationToken)).ReadOrNullAsync<RunDto>(cancellationToken);

    public async Task<ApiResult<RunDto>> StartRunAsync(IReadOnlyList<string>? models, DateOnly? from, DateOnly? to, bool includeDownstream,
        CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/reporting/runs").WithJson(new { models, from, to, includeDownstream });
        return await ApiResult<RunDto>.ReadAsync(await http.SendAsync(request, cancellationToken), cancellationToken);
    }

    public async Task<IReadOnlyList<ModelDto>> ModelsAsync(CancellationToken cancellationToken) =>
        (await http.GetFromJsonAsync<List<ModelDto>>("/api/reporting/models", TesseraJson.Options, cancellationToken))!;

    public async Task<LineageDto> LineageAsync(CancellationToken cancellationToken) =>
        (await http.GetFromJsonAsync<LineageDto>("/api/reporting/models/lineage", TesseraJson.Options, cancellationToken))!;

    public async Task<ApiResult<ModelDto>> AddModelAsync(string name, string sql, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/reporting/models").WithJson(new { name, sql });
        return await ApiResult<ModelDto>.ReadAsync(await http.SendAsync(request, cancellationToken), cancellationToken);
    }

    public async Task<IReadOnlyList<TestResultDto>> TestResultsAsync(CancellationToken cancellationToken) =>
        (await http.GetFromJsonAsync<List<TestResultDto>>("/api/reporting/tests", TesseraJson.Options, cancellationToken))!;

    public async Task<IReadOnlyList<FreshnessDto>> FreshnessAsync(CancellationToken cancellationToken) =>
        (await http.GetFromJsonAsync<List<FreshnessDto>>("/api/reporting/freshness", TesseraJson.Options, cancellationToken))!;

    public async Task<IReadOnlyList<OdsSourceDto>> OdsSourcesAsync(CancellationToken cancellationToken) =>
        (await http.GetFromJsonAsync<List<OdsSourceDto>>("/api/reporting/ods/sources", TesseraJson.Options, cancellationToken))!;

    public async Task<IReadOnlyList<ReconciliationDto>> ReconciliationAsync(DateOnly date, CancellationToken cancellationToken) =>
        (await http.GetFromJsonAsync<List<ReconciliationDto>>($"/api/reporting/reconciliation?date={date:yyyy-MM-dd}", TesseraJson.Options, cancellationToken))!;

    public async Task<IReadOnlyList<AlertDto>> AlertsAsync(CancellationToken cancellationToken) =>
        (await http.GetFromJsonAsync<List<AlertDto>>("/api/reporting/alerts", TesseraJson.Options, cancellationToken))!;
}
