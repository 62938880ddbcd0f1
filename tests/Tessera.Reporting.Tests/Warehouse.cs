using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tessera.Reporting.Contracts;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;

namespace Tessera.Reporting.Tests;

/// <summary>What the tests ask of the warehouse through the API.</summary>
public static class Warehouse
{
    public static async Task<RunDto> RunAsync(this Shop shop, ReportingFactory factory, object request, string expect = "Succeeded")
    {
        var run = await factory.RunAsync(shop.Client, request);
        run.Status.ShouldBe(expect, JsonSerializer.Serialize(run.Tasks.Where(t => t.Status is not ("Succeeded" or "UpToDate")).Take(5)));
        return run;
    }

    public static async Task<List<PartitionDto>> PartitionsAsync(this Shop shop, string model) =>
        (await shop.Client.GetFromJsonAsync<List<PartitionDto>>($"/api/reporting/models/{model}/partitions", TesseraJson.Options))!;

    public static async Task<IReadOnlyList<SalesDailyRowDto>> SalesAsync(this Shop shop, DateOnly from, DateOnly to, string? groupBy = null) =>
        (await shop.Client.GetFromJsonAsync<SalesDailyDto>(
            $"/api/reporting/metrics/sales_daily?from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}{(groupBy is null ? "" : "&groupBy=" + groupBy)}", TesseraJson.Options))!.Rows;

    public static async Task<JsonElement> MetricAsync(this Shop shop, string url) =>
        await shop.Client.GetFromJsonAsync<JsonElement>(url, TesseraJson.Options);

    public static async Task<HttpResponseMessage> AddModelAsync(this Shop shop, string name, string sql) =>
        await shop.Client.PostJsonAsync("/api/reporting/models", new { name, sql });

    public static async Task AddModelOkAsync(this Shop shop, string name, string sql)
    {
        var response = await shop.AddModelAsync(name, sql);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
    }
}
