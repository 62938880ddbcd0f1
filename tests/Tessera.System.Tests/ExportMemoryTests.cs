using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Tessera.Orders.Contracts;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;
using Xunit.Abstractions;

namespace Tessera.System.Tests;

[CollectionDefinition(Name)]
public sealed class ExportCollection : ICollectionFixture<ExportFixture>
{
    public const string Name = "export of 100,000 orders";
}

/// <summary>A system of its own with 100,000 orders (imported as a file), so that the memory of its web process says only what an export costs.</summary>
public sealed class ExportFixture : IAsyncLifetime
{
    public const int Orders = 100_000;

    public RunningSystem System { get; private set; } = null!;
    public HttpClient Admin { get; private set; } = null!;
    public TimeSpan ImportTime { get; private set; }

    public async Task InitializeAsync()
    {
        System = await RunningSystem.StartAsync();
        Admin = await System.SignInAsync();
        var api = new Api(Admin);
        var sku = await api.ProductAsync("EXPORT-TEA");
        var csv = new StringBuilder("external_ref,placed_at,customer_name,customer_phone,sku,quantity,unit_price,status,delivered_at\n");
        var start = DateTimeOffset.UtcNow.AddDays(-300);
        for (var i = 0; i < Orders; i++)
        {
            // History: nothing to reserve or ship, only the orders themselves.
            var at = start.AddMinutes(i * 4).ToString("O", global::System.Globalization.CultureInfo.InvariantCulture);
            csv.Append($"EXP-{i:000000},{at},Khách {i % 5000},09{i % 5000:00000000},{sku},1,{10000 + i % 7 * 1000},Completed,{at}\n");
        }
        var clock = Stopwatch.StartNew();
        var upload = await Admin.PostAsync("/api/orders/imports?fileName=export.csv", new StringContent(csv.ToString(), Encoding.UTF8, "text/csv"));
        upload.StatusCode.ShouldBe(HttpStatusCode.Accepted, await upload.Content.ReadAsStringAsync());
        var import = await upload.ReadAsync<OrderImportDto>();
        var done = await Poll.UntilAsync(async () => (await Admin.GetFromJsonAsync<OrderImportDto>($"/api/orders/imports/{import.Id}", TesseraJson.Options))!,
            i => i.Finished, "the import of 100,000 orders", TimeSpan.FromMinutes(15));
        done.AcceptedOrders.ShouldBe(Orders, done.Error);
        // The search model (what an export reads) follows the orders service's own events: the feed has read them up
        // to the outbox's head, and the inbox has handled all it staged (a big backlog is staged before it is handled).
        await Poll.UntilAsync(async () => await Admin.GetFromJsonAsync<JsonElement>("/api/orders/messaging/status"),
            status => status.GetProperty("pending").GetInt32() == 0 && status.GetProperty("subscriptions").EnumerateArray()
                .Where(s => s.GetProperty("producer").GetString() == "orders")
                .All(s => s.GetProperty("checkpoint").GetInt64() >= status.GetProperty("outboxHead").GetInt64()),
            "the search model to follow the import", TimeSpan.FromMinutes(15));
        ImportTime = clock.Elapsed;
    }

    public async Task DisposeAsync()
    {
        Admin?.Dispose();
        if (System is not null)
            await System.DisposeAsync();
    }
}

/// <summary>The CSV export of a big list streams: the web process's memory does not grow with the number of orders.</summary>
[Collection(ExportCollection.Name)]
public sealed class ExportMemoryTests(ExportFixture fixture, ITestOutputHelper output)
{
    private const long Budget = 200L * 1024 * 1024;

    [Fact]
    public async Task Exporting_100000_orders_from_the_orders_page_keeps_the_web_process_within_200_MB_of_idle()
    {
        var web = (await fixture.System.ServiceAsync("web")).Pid!.Value;
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = new(), AllowAutoRedirect = false }) { BaseAddress = fixture.System.PublicUrl };
        (await browser.SignInAsync("demo", "admin", RunningSystem.AdminPassword)).StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await browser.GetAsync("/orders")).StatusCode.ShouldBe(HttpStatusCode.OK);
        await Task.Delay(TimeSpan.FromSeconds(2)); // the page's own work settles
        var idle = Resident(web);

        var peak = idle;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, Resident(web));
                await Task.Delay(50);
            }
        });
        var clock = Stopwatch.StartNew();
        long lines = 0, bytes = 0;
        using (var response = await browser.GetAsync("/orders?handler=Export&includeArchived=true", HttpCompletionOption.ResponseHeadersRead))
        {
            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            response.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
            await using var stream = await response.Content.ReadAsStreamAsync();
            using var reader = new StreamReader(stream);
            while (await reader.ReadLineAsync() is { } line)
            {
                lines++;
                bytes += line.Length + 1;
            }
        }
        await sampling.CancelAsync();
        await sampler;

        output.WriteLine($"import and indexing {fixture.ImportTime.TotalSeconds:0} s; export {clock.Elapsed.TotalSeconds:0.0} s, {bytes / 1024 / 1024} MB, {lines:N0} lines; " +
                         $"web resident idle {idle / 1024 / 1024} MB, peak {peak / 1024 / 1024} MB");
        lines.ShouldBe(ExportFixture.Orders + 1);
        (peak - idle).ShouldBeLessThan(Budget, $"the web process grew from {idle / 1024 / 1024} MB to {peak / 1024 / 1024} MB");
    }

    /// <summary>The resident set of a process, in bytes (Linux: /proc/&lt;pid&gt;/status).</summary>
    private static long Resident(int pid) =>
        long.Parse(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1],
            global::System.Globalization.CultureInfo.InvariantCulture) * 1024;
}
