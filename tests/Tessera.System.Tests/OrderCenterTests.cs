using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Tessera.Inventory.Contracts;
using Tessera.Orders.Contracts;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;

namespace Tessera.System.Tests;

/// <summary>
/// The whole ERP as processes, closed orders archived at once (so archives are part of what is checked): the order
/// center's guarantees seen from outside — numbers, reservations that follow changes, personal data at rest.
/// </summary>
public sealed class OrderCenterFixture : IAsyncLifetime
{
    public RunningSystem System { get; private set; } = null!;
    public HttpClient Admin { get; private set; } = null!;
    public Api Api { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        System = await RunningSystem.StartAsync(new Dictionary<string, string>
        {
            ["Tessera__Orders__Archive__After"] = "00:00:00",
            ["Tessera__Orders__Archive__Interval"] = "00:00:01",
        });
        Admin = await System.SignInAsync();
        Api = new Api(Admin);
    }

    public async Task DisposeAsync()
    {
        Admin.Dispose();
        await System.DisposeAsync();
    }
}

public sealed class OrderCenterTests(OrderCenterFixture fixture) : IClassFixture<OrderCenterFixture>
{
    private Api Api => fixture.Api;
    private HttpClient Client => fixture.Admin;

    [Fact]
    public async Task A_thousand_placements_sent_with_random_retries_of_their_key_create_a_thousand_orders_with_gapless_numbers()
    {
        const int orders = 1000;
        var sku = await Api.ProductAsync();
        var random = new Random(4);
        // Per placement: how many times the client sends it, and whether the repeats race the first attempt (a client
        // that timed out and retried while the first request was still running) or follow it.
        var plans = Enumerable.Range(0, orders).Select(_ => (Sends: random.Next(10) < 4 ? random.Next(2, 5) : 1, Racing: random.Next(2) == 0)).ToList();
        var answers = new ConcurrentBag<(int Placement, OrderCreatedDto Order)>();

        await Parallel.ForEachAsync(Enumerable.Range(0, orders), new ParallelOptions { MaxDegreeOfParallelism = 12 }, async (i, _) =>
        {
            var key = $"bulk-{i}-{Guid.NewGuid():N}";
            var body = new
            {
                channel = "api",
                externalRef = $"RETRY-{sku}-{i}",
                customer = new { name = "Khách hàng " + i, phone = "0903000000" },
                lines = new[] { new { sku, quantity = 1m, unitPrice = 120000m } },
            };
            var (sends, racing) = plans[i];
            if (racing)
                foreach (var order in await Task.WhenAll(Enumerable.Range(0, sends).Select(_ => SendAsync(body, key))))
                    answers.Add((i, order));
            else
                for (var attempt = 0; attempt < sends; attempt++)
                    answers.Add((i, await SendAsync(body, key)));
        });

        answers.Count.ShouldBe(plans.Sum(p => p.Sends));
        answers.GroupBy(a => a.Placement).ShouldAllBe(g => g.Select(a => a.Order.Id).Distinct().Count() == 1);
        var numbers = answers.GroupBy(a => a.Placement).Select(g => g.First().Order.Number).Order().ToList();
        numbers.Distinct().Count().ShouldBe(orders);
        (numbers[^1] - numbers[0]).ShouldBe(orders - 1, "the numbers are consecutive");

        // What the orders service holds: exactly these orders for the SKU, no stray ones from the retries (the search
        // model follows the orders a moment later; with no stock they are rejected, so closed, so archived at once).
        var held = await Poll.UntilAsync(() => SearchAllAsync($"sku={sku}&includeArchived=true"), ids => ids.Count == orders,
            "the search model to list every order", TimeSpan.FromSeconds(60));
        held.Order().ShouldBe(answers.Select(a => a.Order.Id).Distinct().Order());
    }

    private async Task<List<Guid>> SearchAllAsync(string query)
    {
        var ids = new List<Guid>();
        string? after = null;
        do
        {
            var page = (await Client.GetFromJsonAsync<OrderSearchPageDto>(
                $"/api/orders/search?{query}&limit=100" + (after is null ? "" : "&after=" + Uri.EscapeDataString(after)), TesseraJson.Options))!;
            ids.AddRange(page.Items.Select(o => o.Id));
            after = page.Next;
        } while (after is not null);
        return ids;
    }

    /// <summary>Sends one placement until it gets an answer: a 429 (the gateway's rate limit) is retried like a timeout.</summary>
    private async Task<OrderCreatedDto> SendAsync(object body, string key)
    {
        while (true)
        {
            using var response = await Client.PostJsonAsync("/api/orders", body, key);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200));
                continue;
            }
            response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
            return await response.ReadAsync<OrderCreatedDto>();
        }
    }

    [Fact]
    public async Task A_line_change_after_confirmation_moves_the_reservation_by_exactly_the_difference()
    {
        var (tea, rice) = (await Api.ProductAsync(), await Api.ProductAsync());
        var warehouse = await Api.WarehouseAsync();
        await Api.ReceiveAsync(warehouse, tea, 20m);
        await Api.ReceiveAsync(warehouse, rice, 20m);
        var response = await Client.PostJsonAsync("/api/orders", new
        {
            channel = "web",
            customer = new { name = "Phạm Minh Châu", phone = "0904000000" },
            lines = new[] { new { sku = tea, quantity = 5m, unitPrice = 50000m }, new { sku = rice, quantity = 4m, unitPrice = 180000m } },
        }, Guid.NewGuid().ToString());
        var created = await response.ReadAsync<OrderCreatedDto>();
        (await Api.SettledAsync(created.Id)).Status.ShouldBe(OrderStatus.Confirmed);
        (await Api.StockAsync(tea, warehouse)).Reserved.ShouldBe(5m);
        (await Api.StockAsync(rice, warehouse)).Reserved.ShouldBe(4m);

        // More tea, less rice.
        var changed = await PatchAsync(created.Id, new
        {
            lines = new[] { new { sku = tea, quantity = 8m, unitPrice = 50000m }, new { sku = rice, quantity = 1m, unitPrice = 180000m } },
        });
        changed.StatusCode.ShouldBe(HttpStatusCode.OK, await changed.Content.ReadAsStringAsync());

        var order = await Poll.UntilAsync(() => Api.OrderAsync(created.Id), o => o.Lines.Select(l => l.Quantity).SequenceEqual([8m, 1m]),
            "inventory to adjust the reservation and the order to take the new lines");
        var (teaStock, riceStock) = (await Api.StockAsync(tea, warehouse), await Api.StockAsync(rice, warehouse));
        (teaStock.OnHand, teaStock.Reserved, teaStock.Available).ShouldBe((20m, 8m, 12m));
        (riceStock.OnHand, riceStock.Reserved, riceStock.Available).ShouldBe((20m, 1m, 19m));
        order.Status.ShouldBe(OrderStatus.Confirmed);
        order.Timeline!.ShouldContain(t => t.Kind == "change");

        // A change inventory cannot cover is refused as a whole: the reservation and the lines stay as they are.
        var greedy = await PatchAsync(created.Id, new
        {
            lines = new[] { new { sku = tea, quantity = 8m, unitPrice = 50000m }, new { sku = rice, quantity = 50m, unitPrice = 180000m } },
        });
        greedy.StatusCode.ShouldBe(HttpStatusCode.OK, await greedy.Content.ReadAsStringAsync());
        var kept = await Poll.UntilAsync(() => Api.OrderAsync(created.Id), o => o.Timeline!.Any(t => t.Summary.StartsWith("Line change refused", StringComparison.Ordinal)),
            "inventory to refuse the line change");
        kept.Lines.Select(l => l.Quantity).ShouldBe([8m, 1m]);
        (await Api.StockAsync(rice, warehouse)).Reserved.ShouldBe(1m);
        (await Api.StockAsync(tea, warehouse)).Reserved.ShouldBe(8m);
    }

    private async Task<HttpResponseMessage> PatchAsync(Guid id, object change)
    {
        var current = await Api.OrderAsync(id);
        var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/orders/{id}") { Content = JsonContent.Create(change, options: TesseraJson.Options) };
        request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{current.Version}\""));
        return await Client.SendAsync(request);
    }

    [Fact]
    public async Task Canary_personal_data_is_in_no_database_archive_upload_or_log_and_reads_back_after_a_key_rotation()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var digits = string.Concat(run.Select(c => (char)('0' + c % 10)));
        Canary Canary(string which) => new($"Zyxcanary {which}{run} Quốc", "09" + digits[..7] + which[0] % 10, $"zyx.{which}{run}@canary.example",
            $"{run} Đường {which}canary");

        var sku = await Api.ProductAsync();
        var warehouse = await Api.WarehouseAsync();
        await Api.ReceiveAsync(warehouse, sku, 100m);
        var (live, closed, imported, rotated) = (Canary("live"), Canary("closed"), Canary("imported"), Canary("rotated"));

        var liveId = await PlaceAsync(live, sku);
        var closedId = await PlaceAsync(closed, sku);
        (await Api.SettledAsync(liveId)).Status.ShouldBe(OrderStatus.Confirmed);
        (await Client.PostJsonAsync($"/api/orders/{closedId}/cancel", new { reason = "customer changed their mind" })).EnsureSuccessStatusCode();
        var importedId = await ImportAsync(imported, sku);
        await Poll.UntilAsync(() => Api.OrderAsync(closedId), o => o.Archived, "the cancelled order to move to the archive", TimeSpan.FromSeconds(30));

        var rotation = await (await Client.PostAsync("/api/orders/personal-data/rotate-key", null)).ReadAsync<PersonalDataStatusDto>();
        var rotatedId = await PlaceAsync(rotated, sku);
        var done = await Poll.UntilAsync(async () => await (await Client.GetAsync("/api/orders/personal-data")).ReadAsync<PersonalDataStatusDto>(),
            status => status.ReencryptionDone, "every order to be re-encrypted under the new key", TimeSpan.FromSeconds(60));
        done.Usage.ShouldAllBe(u => u.KeyVersion == rotation.CurrentKeyVersion);

        foreach (var (id, canary) in new[] { (liveId, live), (closedId, closed), (importedId, imported), (rotatedId, rotated) })
        {
            var order = await Api.OrderAsync(id);
            (order.Customer.Name, order.Customer.Phone, order.Customer.Email, order.Shipping!.Address!.Line1, order.Shipping.Consignee)
                .ShouldBe((canary.Name, canary.Phone, canary.Email, canary.Street, canary.Name));
            var found = (await Client.GetFromJsonAsync<OrderSearchPageDto>($"/api/orders/search?phone={canary.Phone}&includeArchived=true", TesseraJson.Options))!;
            found.Items.Select(o => o.Id).ShouldBe([id]);
        }

        // The warehouse took in every event of those orders and ran its models; then its file is read the way the engine
        // stores it (compressed columns hide text from a byte scan), every text column of every table, with reporting held down.
        var reporting = new WarehouseSystem(fixture.System, Client, "demo");
        await reporting.CaughtUpAsync();
        (await reporting.RunAsync(new { })).Status.ShouldBe("Succeeded");
        await fixture.System.HoldDownAsync("reporting");
        try
        {
            var values = new[] { live, closed, imported, rotated }.SelectMany(c => new[] { c.Name, c.Phone, c.Email, c.Street, c.Phone[2..] }).Append("Zyxcanary").ToList();
            var scanned = WarehouseScan.TextColumnsContaining(Path.Combine(fixture.System.DataDir, "reporting", "demo.duckdb"), values);
            scanned.Columns.ShouldBeGreaterThan(50);
            scanned.Rows.ShouldBeGreaterThan(0);
            scanned.Found.ShouldBeEmpty();
        }
        finally
        {
            await fixture.System.ReleaseAsync("reporting");
        }

        // Every file the system wrote: databases with their -wal and -shm, the archive, uploads, logs, status files.
        var files = Directory.EnumerateFiles(fixture.System.DataDir, "*", SearchOption.AllDirectories).ToList();
        files.ShouldContain(f => f.EndsWith("-wal", StringComparison.Ordinal));
        files.ShouldContain(f => Path.GetFileName(f).Contains("archive", StringComparison.Ordinal));
        files.ShouldContain(f => f.EndsWith(".log", StringComparison.Ordinal));
        var contents = files.Select(f => (File: f, Text: Encoding.UTF8.GetString(ReadShared(f)))).ToList();
        // The scan sees what is stored in plain text: the product's name is in the catalog's files, its SKU in the logs.
        contents.ShouldContain(c => c.Text.Contains($"Product {sku}", StringComparison.Ordinal) && Path.GetFileName(c.File).StartsWith("catalog", StringComparison.Ordinal));
        foreach (var canary in new[] { live, closed, imported, rotated })
            foreach (var value in new[] { canary.Name, canary.Phone, canary.Email, canary.Street, $"Zyxcanary", canary.Phone[2..] })
                contents.Where(c => c.Text.Contains(value, StringComparison.Ordinal)).Select(c => c.File).ShouldBeEmpty($"'{value}' is stored in plain text");
    }

    private sealed record Canary(string Name, string Phone, string Email, string Street);

    private async Task<Guid> PlaceAsync(Canary canary, string sku)
    {
        var response = await Client.PostJsonAsync("/api/orders", new
        {
            channel = "web",
            customer = new { name = canary.Name, phone = canary.Phone, email = canary.Email },
            shipping = new { consignee = canary.Name, phone = canary.Phone, address = new { line1 = canary.Street, city = "Hà Nội", country = "VN" } },
            lines = new[] { new { sku, quantity = 1m, unitPrice = 120000m } },
        }, Guid.NewGuid().ToString());
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.ReadAsync<OrderCreatedDto>()).Id;
    }

    private async Task<Guid> ImportAsync(Canary canary, string sku)
    {
        var externalRef = "CANARY-" + Guid.NewGuid().ToString("N")[..8];
        var csv = "external_ref,customer_name,customer_phone,customer_email,ship_consignee,ship_phone,ship_line1,ship_city,sku,quantity,unit_price\n" +
                  $"{externalRef},{canary.Name},{canary.Phone},{canary.Email},{canary.Name},{canary.Phone},{canary.Street},Hà Nội,{sku},1,120000\n";
        var upload = await Client.PostAsync("/api/orders/imports?fileName=canary.csv", new StringContent(csv, Encoding.UTF8, "text/csv"));
        upload.StatusCode.ShouldBe(HttpStatusCode.Accepted, await upload.Content.ReadAsStringAsync());
        var import = await upload.ReadAsync<OrderImportDto>();
        var finished = await Poll.UntilAsync(async () => (await Client.GetFromJsonAsync<OrderImportDto>($"/api/orders/imports/{import.Id}", TesseraJson.Options))!,
            i => i.Finished, "the import to finish");
        finished.AcceptedOrders.ShouldBe(1);
        var found = await Poll.UntilAsync(
            async () => (await Client.GetFromJsonAsync<OrderSearchPageDto>($"/api/orders/search?q={externalRef}", TesseraJson.Options))!,
            page => page.Items.Count == 1, "the search to find the imported order");
        return found.Items[0].Id;
    }

    private static byte[] ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
