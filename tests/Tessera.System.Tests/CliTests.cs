using System.Diagnostics;
using System.Net.Http.Json;
using Tessera.Orders.Contracts;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Json;

using Tessera.Testing;

namespace Tessera.System.Tests;

[Collection(SystemCollection.Name)]
public sealed class CliTests(SystemFixture fixture)
{
    private async Task<(int ExitCode, string Output)> Tessera(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(RunningSystem.PathOf("tessera"));
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        info.Environment["TESSERA_URL"] = fixture.System.PublicUrl.ToString();
        info.Environment["TESSERA_PASSWORD"] = RunningSystem.AdminPassword;
        info.Environment["TERM"] = "dumb";
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await error);
    }

    [Fact]
    public async Task Seeding_the_demo_data_twice_loads_it_once()
    {
        var (code, output) = await Tessera("seed", "--demo", "--seed", "7", "--orders", "40");
        code.ShouldBe(0, output);
        var demoOrders = await Count();

        var (again, secondOutput) = await Tessera("seed", "--demo", "--seed", "7", "--orders", "40");
        again.ShouldBe(0, secondOutput);

        (await Count()).ShouldBe(demoOrders);
        demoOrders.ShouldBeGreaterThanOrEqualTo(40);
        var orders = await fixture.Admin.GetFromJsonAsync<PagedResult<OrderSummaryDto>>("/api/orders?pageSize=500", TesseraJson.Options);
        orders!.Items.Select(o => o.PlacedAt.Date).Distinct().Count().ShouldBeGreaterThan(3);

        async Task<int> Count() =>
            (await fixture.Admin.GetFromJsonAsync<PagedResult<OrderSummaryDto>>("/api/orders?pageSize=1", TesseraJson.Options))!.Total;
    }

    [Fact]
    public async Task The_token_command_prints_a_token_that_the_api_accepts()
    {
        var (code, output) = await Tessera("token");

        code.ShouldBe(0, output);
        using var client = new HttpClient { BaseAddress = fixture.System.PublicUrl };
        client.DefaultRequestHeaders.Authorization = new("Bearer", output.Trim());
        (await client.GetAsync("/api/catalog/products")).IsSuccessStatusCode.ShouldBeTrue();
    }

    [Fact]
    public async Task Key_status_counts_orders_and_supplier_contacts_per_key_version()
    {
        var (code, output) = await Tessera("keys", "status");

        code.ShouldBe(0, output);
        output.ShouldContain("Supplier contacts");
        output.ShouldContain("(current)");
        output.ShouldNotContain("Procurement did not answer");
    }

    [Fact]
    public async Task An_operator_creates_a_tenant_whose_administrator_can_sign_in()
    {
        var id = "cli" + Guid.NewGuid().ToString("N")[..6];

        var (code, output) = await Tessera("tenant", "create", "--id", id, "--name", "CLI Trading", "--admin-username", "owner",
            "--admin-password", "owner-password-1", "--time-zone", "Asia/Bangkok", "--currency", "THB");
        var (again, againOutput) = await Tessera("tenant", "create", "--id", id, "--name", "Again", "--admin-username", "x", "--admin-password", "long-enough-1");

        code.ShouldBe(0, output);
        output.ShouldContain($"Tenant {id} created (Asia/Bangkok, THB)");
        again.ShouldBe(1);
        againOutput.ShouldContain("Tenant already exists");
        using var owner = await fixture.System.SignInAsync(id, "owner", "owner-password-1");
        (await owner.GetAsync("/api/catalog/products")).IsSuccessStatusCode.ShouldBeTrue();
    }

    [Fact]
    public async Task A_tenant_created_with_the_ifrs_chart_keeps_its_books_in_it_and_verify_finds_the_hash_chain_whole()
    {
        var id = "ifrs" + Guid.NewGuid().ToString("N")[..6];

        var (code, output) = await Tessera("tenant", "create", "--id", id, "--name", "Global Trading", "--admin-username", "owner",
            "--admin-password", "owner-password-1", "--currency", "USD", "--time-zone", "Europe/Berlin", "--chart", "ifrs");
        var (wrong, wrongOutput) = await Tessera("tenant", "create", "--id", id + "x", "--name", "X", "--admin-username", "owner",
            "--admin-password", "owner-password-1", "--chart", "us-gaap");
        await fixture.Admin.PostJsonAsync("/api/finance/entries", new
        {
            date = "2026-11-02", description = "Capital", lines = new object[] { new { account = "112", debit = 1000m }, new { account = "4111", credit = 1000m } },
        });
        var (verify, verifyOutput) = await Tessera("finance", "verify");

        code.ShouldBe(0, output);
        output.ShouldContain("Its books keep the chart of accounts ifrs.");
        wrong.ShouldNotBe(0);
        using var owner = await fixture.System.SignInAsync(id, "owner", "owner-password-1");
        var books = await owner.GetFromJsonAsync<global::System.Text.Json.JsonElement>("/api/finance/ledger", TesseraJson.Options);
        (books.GetProperty("chart").GetString(), books.GetProperty("currency").GetString(), books.GetProperty("timeZone").GetString())
            .ShouldBe(("ifrs", "USD", "Europe/Berlin"));
        verify.ShouldBe(0, verifyOutput);
        verifyOutput.ShouldContain("The hash chain holds");
    }

    [Fact]
    public async Task Dead_letters_can_be_listed_and_unknown_ones_are_refused_clearly()
    {
        var (list, listOutput) = await Tessera("dead-letters", "list", "--service", "inventory");
        var (replay, replayOutput) = await Tessera("dead-letters", "replay", "--service", "inventory", Guid.NewGuid().ToString());
        var (bad, badOutput) = await Tessera("dead-letters", "list", "--service", "nowhere");

        list.ShouldBe(0, listOutput);
        listOutput.ShouldContain("No parked messages in inventory");
        replay.ShouldBe(1);
        replayOutput.ShouldContain("Message not found");
        bad.ShouldNotBe(0);
    }

    [Fact]
    public async Task Orders_import_shows_progress_reports_the_rejected_rows_and_exits_3_when_some_were_rejected()
    {
        var sku = await fixture.Api.ProductAsync();
        var run = Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        var folder = Directory.CreateTempSubdirectory("tessera-cli-import-");
        try
        {
            var file = Path.Combine(folder.FullName, "orders.csv");
            await File.WriteAllTextAsync(file,
                "external_ref,customer_name,customer_phone,sku,quantity,unit_price\n" +
                $"CLI-{run}-1,Lê Văn Cường,0901111111,{sku},2,120000\n" +
                $"CLI-{run}-2,Phạm Thị Dung,0902222222,{sku},two,120000\n");
            var report = Path.Combine(folder.FullName, "rejected.csv");

            var (code, output) = await Tessera("orders", "import", file, "--report", report);
            var (again, secondOutput) = await Tessera("orders", "import", file);

            code.ShouldBe(3, output);
            output.ShouldContain("Importing: 2 of 2 rows (100 %)");
            (await File.ReadAllTextAsync(report)).ShouldContain($"2,CLI-{run}-2,\"quantity: is not a number");
            again.ShouldBe(3, secondOutput);
            var latest = (await fixture.Admin.GetFromJsonAsync<List<OrderImportDto>>("/api/orders/imports?limit=2", TesseraJson.Options))!;
            (latest[0].AcceptedOrders, latest[0].SkippedRows, latest[0].RejectedRows).ShouldBe((0, 1, 1), secondOutput);
            (latest[1].AcceptedOrders, latest[1].SkippedRows, latest[1].RejectedRows).ShouldBe((1, 0, 1), output);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Check_asks_every_service_with_invariants_the_warehouse_included()
    {
        var (code, output) = await Tessera("check");

        code.ShouldBe(0, output);
        foreach (var invariant in new[] { "I1", "I2", "I3", "I8", "I9" })
            output.ShouldContain(invariant, customMessage: output);
        output.ShouldContain("reporting");
    }
}
