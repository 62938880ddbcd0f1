using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Tessera.Inventory.Contracts;
using Tessera.Orders.Contracts;
using Tessera.Reporting.Contracts;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;

namespace Tessera.System.Tests;

[Collection(SystemCollection.Name)]
public sealed class BackupTests(SystemFixture fixture)
{
    private Api Api => fixture.Api;

    [Fact]
    public async Task A_backup_taken_under_load_restores_into_a_new_folder_that_has_everything_and_works()
    {
        var sku = await Api.ProductAsync();
        var warehouse = await Api.WarehouseAsync();
        await Api.ReceiveAsync(warehouse, sku, 100_000m);
        var tenant = "bk" + Guid.NewGuid().ToString("N")[..8];
        (await Api.Client.PostAsJsonAsync("/api/tenants", new
        {
            id = tenant, name = "Backup Test Co.", admin = new { username = "owner", password = "owner-password-1" },
        })).StatusCode.ShouldBe(HttpStatusCode.Created);

        await using var users = await SimulatedUsers.SignInAsync(fixture.System, 8, sku);
        users.Start();
        await Poll.UntilAsync(() => Task.FromResult(users.Orders.Count), n => n >= 20, "the simulated users to place a few orders", TimeSpan.FromSeconds(60));
        var acknowledgedBefore = users.Orders.Select(o => o.Id).ToList();
        var ordersBefore = await TotalAsync(Api.Client, "/api/orders?pageSize=1");
        var movementsBefore = await TotalAsync(Api.Client, "/api/inventory/movements?pageSize=1");
        var warehouseBefore = await OdsEventsAsync(Api.Client);

        using var backup = new TempDirectory("tessera-backup");
        var folder = Path.Combine(backup.Path, "copy");
        var (code, output) = await CliAsync(fixture.System, "backup", folder);
        code.ShouldBe(0, output);
        await users.StopAsync();
        users.Samples.Where(s => s.Failed).ShouldBeEmpty();
        File.Exists(Path.Combine(folder, "backup.json")).ShouldBeTrue();

        using var restoredData = new TempDirectory("tessera-restored");
        (code, output) = await CliAsync(fixture.System, "restore", folder, "--data", restoredData.Path);
        code.ShouldBe(0, output);

        await using var restored = await RunningSystem.StartOnAsync(restoredData.Path);
        using var admin = await restored.SignInAsync();
        var api = new Api(admin);

        // Every order acknowledged before the backup began is there, with its customer's data readable again.
        foreach (var id in acknowledgedBefore)
        {
            var order = await api.OrderAsync(id);
            order.Customer!.Name.ShouldBe("Nguyễn Văn An");
        }
        (await TotalAsync(admin, "/api/orders?pageSize=1")).ShouldBeGreaterThanOrEqualTo(ordersBefore);
        (await TotalAsync(admin, "/api/inventory/movements?pageSize=1")).ShouldBeGreaterThanOrEqualTo(movementsBefore);
        // The warehouse came back with it (reporting copies its DuckDB files itself, as of the cut).
        (await OdsEventsAsync(admin)).ShouldBeGreaterThanOrEqualTo(warehouseBefore);
        using (var owner = await restored.SignInAsync(tenant, "owner", "owner-password-1"))
            (await owner.GetAsync("/api/orders?pageSize=1")).StatusCode.ShouldBe(HttpStatusCode.OK);

        // Every subscription resumes where the cut left it: each order in the copy is handled once — none stays
        // Pending (lost) and the stock reserved is exactly one unit per confirmed order (not doubled).
        await Poll.UntilAsync(() => TotalAsync(admin, $"/api/orders?status=Pending&pageSize=1"), n => n == 0,
            "every restored order to leave Pending", TimeSpan.FromSeconds(60));
        await Poll.UntilAsync(async () =>
            {
                var confirmed = await ConfirmedAsync(admin, sku);
                var stock = (await admin.GetFromJsonAsync<List<StockDto>>($"/api/inventory/stock?sku={sku}&warehouse={warehouse}", TesseraJson.Options))!.Single();
                return (Confirmed: (decimal)confirmed, stock.Reserved);
            }, c => c.Confirmed > 0 && c.Confirmed == c.Reserved, "one reserved unit per confirmed order (the search model follows a moment later)",
            TimeSpan.FromSeconds(30));
        (await admin.GetFromJsonAsync<ConsistencyReportDto>("/api/inventory/consistency", TesseraJson.Options))!.Holds.ShouldBeTrue();

        // And it takes new work.
        var placed = await api.PlaceAsync(sku, 2m);
        (await api.SettledAsync(placed.Id)).Status.ShouldBe(OrderStatus.Confirmed);
    }

    private static async Task<int> TotalAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        var body = await response.ReadAsync<PagedResult<global::System.Text.Json.JsonElement>>();
        return body.Total;
    }

    /// <summary>Confirmed orders for one SKU, read page by page from the search model (it pages by cursor, with no total).</summary>
    private static async Task<int> ConfirmedAsync(HttpClient client, string sku)
    {
        var count = 0;
        string? after = null;
        do
        {
            var page = (await client.GetFromJsonAsync<OrderSearchPageDto>(
                $"/api/orders/search?sku={sku}&status=Confirmed&limit=200" + (after is null ? "" : "&after=" + Uri.EscapeDataString(after)), TesseraJson.Options))!;
            count += page.Items.Count;
            after = page.Next;
        }
        while (after is not null);
        return count;
    }

    internal static async Task<(int ExitCode, string Output)> CliAsync(RunningSystem system, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(RunningSystem.PathOf("tessera"));
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        info.Environment["TESSERA_URL"] = system.PublicUrl.ToString();
        info.Environment["TESSERA_PASSWORD"] = RunningSystem.AdminPassword;
        info.Environment["TERM"] = "dumb";
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }

    private static async Task<long> OdsEventsAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<List<OdsSourceDto>>("/api/reporting/ods/sources", TesseraJson.Options))!.Sum(s => s.Events);
}
