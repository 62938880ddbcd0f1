using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Tessera.Reporting.Contracts;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;

namespace Tessera.System.Tests;

/// <summary>Reporting as a user of the whole system sees it: a tenant of its own, the ODS catching up with every producer, runs.</summary>
public sealed class WarehouseSystem(RunningSystem system, HttpClient client, string tenant)
{
    public static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Ho_Chi_Minh");
    public static readonly string[] Producers = ["catalog", "inventory", "orders", "procurement", "logistics", "finance"];

    public HttpClient Client => client;
    public string Tenant => tenant;

    public static DateOnly Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, Zone).DateTime);

    /// <summary>A new tenant with its administrator, signed in.</summary>
    public static async Task<WarehouseSystem> NewTenantAsync(RunningSystem system, HttpClient admin, string prefix)
    {
        var tenant = prefix + Guid.NewGuid().ToString("N")[..8];
        (await admin.PostJsonAsync("/api/tenants", new { id = tenant, name = "Warehouse " + tenant, admin = new { username = "boss", password = "warehouse-password" } }))
            .StatusCode.ShouldBe(HttpStatusCode.Created);
        return new WarehouseSystem(system, await system.SignInAsync(tenant, "boss", "warehouse-password"), tenant);
    }

    /// <summary>How many events each producer published for this tenant, read from its outbox (its feed).</summary>
    public Dictionary<string, long> Published()
    {
        var counts = new Dictionary<string, long>();
        foreach (var producer in Producers)
        {
            using var connection = new SqliteConnection($"Data Source={Path.Combine(system.DataDir, producer + ".db")};Mode=ReadOnly;Pooling=False");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM outbox_messages WHERE tenant = $tenant";
            command.Parameters.AddWithValue("$tenant", tenant);
            counts[producer] = (long)command.ExecuteScalar()!;
        }
        return counts;
    }

    public async Task<List<OdsSourceDto>> OdsAsync() =>
        (await client.GetFromJsonAsync<List<OdsSourceDto>>("/api/reporting/ods/sources", TesseraJson.Options))!;

    /// <summary>Waits until the ODS holds exactly every event each producer published for the tenant, none twice.</summary>
    public async Task CaughtUpAsync(TimeSpan? timeout = null)
    {
        // The ODS is read before the outboxes: it can then hold no more than was published unless it doubled something,
        // and events the system still publishes meanwhile (a delivery, an invoice) are waited for rather than missed.
        var (ods, published) = await Poll.UntilAsync(async () => (await OdsAsync(), Published()),
            x => Producers.All(p => (x.Item1.FirstOrDefault(s => s.Producer == p)?.Events ?? 0) >= x.Item2[p]),
            $"the ODS to hold every event published for {tenant}", timeout ?? TimeSpan.FromSeconds(90));
        foreach (var producer in Producers)
        {
            var source = ods.FirstOrDefault(s => s.Producer == producer);
            (source?.Events ?? 0, source?.DistinctEvents ?? 0).ShouldBe((published[producer], published[producer]), producer);
        }
    }

    public async Task<RunDto> RunAsync(object request, TimeSpan? timeout = null)
    {
        var response = await client.PostJsonAsync("/api/reporting/runs", request);
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return await FinishedAsync((await response.ReadAsync<RunDto>()).Id, timeout);
    }

    public Task<RunDto> FinishedAsync(Guid run, TimeSpan? timeout = null) =>
        Poll.UntilAsync(async () => (await client.GetFromJsonAsync<RunDto>($"/api/reporting/runs/{run}", TesseraJson.Options))!,
            r => r.Status is "Succeeded" or "Failed", $"run {run} to finish", timeout ?? TimeSpan.FromSeconds(180));

    public async Task<IReadOnlyList<SalesDailyRowDto>> SalesAsync(DateOnly day, string? groupBy = null) =>
        (await client.GetFromJsonAsync<SalesDailyDto>($"/api/reporting/metrics/sales_daily?from={day:yyyy-MM-dd}&to={day:yyyy-MM-dd}" +
                                                       (groupBy is null ? "" : "&groupBy=" + groupBy), TesseraJson.Options))!.Rows;

    public async Task<List<JsonElement>> RowsAsync(string url) =>
        [.. (await client.GetFromJsonAsync<JsonElement>(url, TesseraJson.Options)).GetProperty("rows").EnumerateArray()];
}
