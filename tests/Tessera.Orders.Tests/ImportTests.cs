using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Orders.Contracts;
using Tessera.Orders.Data;
using Tessera.Orders.Import;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;

namespace Tessera.Orders.Tests;

/// <summary>Builds import files in the documented format.</summary>
public static class ImportFiles
{
    public static readonly string[] Columns =
    [
        "channel", "external_ref", "placed_at", "customer_name", "customer_phone", "customer_email", "ship_line1", "ship_city", "sku", "quantity",
        "unit_price", "tax_rate", "tags",
    ];

    public static string Csv(IEnumerable<string?[]> rows, IReadOnlyList<string>? columns = null)
    {
        var text = new StringBuilder(CsvRecords.Line(columns ?? Columns)).Append('\n');
        foreach (var row in rows)
            text.Append(CsvRecords.Line(row)).Append('\n');
        return text.ToString();
    }

    public static string?[] Row(string externalRef, string sku, string quantity = "1", string price = "100", string? channel = "shopee",
        string? name = "Lê Văn Nhập", string? phone = "0907000001", string? email = "nhap@example.vn", string? taxRate = "0.1", string? tags = "imported") =>
        [channel, externalRef, "2026-11-01T09:00:00+07:00", name, phone, email, "12 Lý Thường Kiệt", "Hà Nội", sku, quantity, price, taxRate, tags];

    public static async Task<OrderImportDto> UploadAsync(this HttpClient client, string csv, string fileName = "orders.csv")
    {
        using var content = new StringContent(csv, Encoding.UTF8, "text/csv");
        var response = await client.PostAsync($"/api/orders/imports?fileName={Uri.EscapeDataString(fileName)}", content);
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        response.Headers.Location!.ToString().ShouldStartWith("/api/orders/imports/");
        return await response.ReadAsync<OrderImportDto>();
    }

    public static Task<OrderImportDto> FinishedAsync(this HttpClient client, Guid id, TimeSpan? timeout = null) =>
        Poll.UntilAsync(async () => (await client.GetFromJsonAsync<OrderImportDto>($"/api/orders/imports/{id}", TesseraJson.Options))!,
            i => i.Finished, "the import to finish", timeout ?? TimeSpan.FromSeconds(60));

    public static async Task<List<ImportRejectionDto>> RejectionsAsync(this HttpClient client, Guid id)
    {
        var all = new List<ImportRejectionDto>();
        int? after = 0;
        while (after is not null)
        {
            var page = (await client.GetFromJsonAsync<ImportRejectionPageDto>($"/api/orders/imports/{id}/rejections?after={after}&limit=1000",
                TesseraJson.Options))!;
            all.AddRange(page.Items);
            after = page.Next;
        }
        return all;
    }
}

public sealed class ImportTests(OrdersFactory factory) : IClassFixture<OrdersFactory>
{
    private readonly string _tenant = "import-" + Guid.NewGuid().ToString("N")[..6];
    private HttpClient Client => factory.ClientFor(_tenant, "sales", "admin");

    private static string Ref() => "SHP-" + Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public async Task Good_rows_become_orders_bad_rows_are_reported_with_row_column_and_reason_and_a_second_upload_adds_nothing()
    {
        var client = Client;
        var tea = factory.Catalog.Add("Oolong tea 250g");
        var rice = factory.Catalog.Add("Jasmine rice 10kg");
        var (single, multi, badSku, badQty, badMail, split, conflicting) = (Ref(), Ref(), Ref(), Ref(), Ref(), Ref(), Ref());
        var csv = ImportFiles.Csv(
        [
            ImportFiles.Row(single, tea, "2", "120000"),                         // row 1: a one-line order
            ImportFiles.Row(multi, tea, "1", "120000"),                          // rows 2-3: a two-line order, order columns repeated
            ImportFiles.Row(multi, rice, "3", "250000"),
            ImportFiles.Row(badSku, "NO-SUCH-SKU"),                              // row 4: unknown SKU
            ImportFiles.Row(badQty, tea, quantity: "two"),                        // row 5: not a number
            ImportFiles.Row(badMail, tea, email: "not-an-address"),               // row 6: invalid e-mail
            ImportFiles.Row(split, tea),                                          // rows 7-8: the second line is bad, the first goes with it
            ImportFiles.Row(split, rice, price: "-5"),
            ImportFiles.Row("", tea),                                             // row 9: no external reference
            ImportFiles.Row(conflicting, tea, phone: "0907000001"),               // rows 10-11: the order's phone differs between rows
            ImportFiles.Row(conflicting, rice, phone: "0907999999"),
        ]);

        var import = await client.UploadAsync(csv, "shopee-november.csv");
        import.Status.ShouldBe("Queued");
        import.FileName.ShouldBe("shopee-november.csv");
        var done = await client.FinishedAsync(import.Id);

        done.Status.ShouldBe("Completed");
        (done.TotalRows, done.ProcessedRows, done.AcceptedOrders, done.AcceptedRows, done.RejectedRows, done.SkippedRows).ShouldBe((11, 11, 2, 3, 8, 0));
        done.Percent.ShouldBe(100);

        var rejections = await client.RejectionsAsync(import.Id);
        rejections.Select(r => r.Row).ShouldBe([4, 5, 6, 7, 8, 9, 10, 11]);
        string Reason(int row) => rejections.Single(r => r.Row == row).Reason;
        Reason(4).ShouldStartWith("sku: Unknown SKU 'NO-SUCH-SKU'");
        Reason(5).ShouldStartWith("quantity: is not a number");
        Reason(6).ShouldStartWith("customer_email:");
        Reason(7).ShouldContain("row 8");
        Reason(8).ShouldStartWith("unit_price:");
        Reason(9).ShouldStartWith("external_ref:");
        Reason(11).ShouldContain("customer_phone: differs from row 10");
        rejections.Single(r => r.Row == 8).ExternalRef.ShouldBe(split);
        rejections.ShouldAllBe(r => !r.Reason.Contains("Lê Văn") && !r.Reason.Contains("0907") && !r.Reason.Contains("not-an-address"));

        var imported = await factory.QueryAsync(_tenant, db => db.Orders.Include(o => o.Lines).Where(o => o.Channel == "shopee").ToListAsync());
        imported.Select(o => o.ExternalRef).Order().ShouldBe(new[] { single, multi }.Order());
        var two = imported.Single(o => o.ExternalRef == multi);
        two.Lines.OrderBy(l => l.LineNo).Select(l => (l.Sku, l.Quantity)).ShouldBe([(tea, 1m), (rice, 3m)]);
        two.Total.ShouldBe(957000m); // (120,000 + 750,000) + 10% tax
        two.PlacedAt.ShouldBe(DateTimeOffset.Parse("2026-11-01T09:00:00+07:00", System.Globalization.CultureInfo.InvariantCulture));
        var order = await client.GetFromJsonAsync<OrderDto>($"/api/orders/{two.Id}", TesseraJson.Options);
        order!.Customer!.Name.ShouldBe("Lê Văn Nhập");
        order.Operational!.Tags.ShouldBe(["imported"]);
        (await factory.PublishedAsync<OrderPlaced>()).Count(p => p.OrderId == two.Id).ShouldBe(1);

        var again = await client.FinishedAsync((await client.UploadAsync(csv, "shopee-november.csv")).Id);
        (again.AcceptedOrders, again.SkippedRows, again.RejectedRows).ShouldBe((0, 3, 8));
        (await factory.QueryAsync(_tenant, db => db.Orders.CountAsync(o => o.Channel == "shopee"))).ShouldBe(2);
    }

    [Fact]
    public async Task An_imported_order_reads_back_exactly_like_the_same_order_placed_through_the_api()
    {
        var client = Client;
        var tea = factory.Catalog.Add("Lotus tea");
        var rice = factory.Catalog.Add("Brown rice");
        await client.PutAsJsonAsync("/api/orders/attributes/gift_wrap", new { label = "Gift wrap", type = "choice", required = false, allowedValues = new[] { "red", "gold" } });
        var (placedRef, importedRef) = (Ref(), Ref());
        var placedResponse = await client.PostJsonAsync("/api/orders", new
        {
            channel = "marketplace:lazada",
            externalRef = placedRef,
            currency = "VND",
            placedAt = "2026-11-02T08:30:00+07:00",
            customer = new { name = "Đỗ Thị Hoa", phone = "0912 345 678", email = "hoa@example.vn", reference = "C-778" },
            shipping = new
            {
                consignee = "Đỗ Văn Nam", phone = "0987654321", requestedDeliveryDate = "2026-11-05", serviceLevel = "express",
                address = new { line1 = "5 Hai Bà Trưng", line2 = "Tầng 3", ward = "Tràng Tiền", district = "Hoàn Kiếm", city = "Hà Nội", province = "Hà Nội", postalCode = "100000", country = "VN" },
            },
            lines = new object[] { new { sku = tea, quantity = 2, unitPrice = 80000, discount = 5000, taxRate = 0.08 }, new { sku = rice, quantity = 1, unitPrice = 120000, taxRate = 0.05 } },
            marketing = new { couponCodes = new[] { "WELCOME" }, promotionCodes = new[] { "NOV11" }, discounts = new[] { new { code = "NOV11", amount = 15000 } } },
            financial = new { shippingFee = 30000, paymentMethod = "cod", paymentStatus = "Unpaid" },
            operational = new { preferredWarehouse = "hn1", notes = "Gọi trước khi giao", tags = new[] { "gift", "vip" } },
            attributes = new { gift_wrap = "gold" },
        });
        placedResponse.StatusCode.ShouldBe(HttpStatusCode.Created, await placedResponse.Content.ReadAsStringAsync());
        var columns = ImportColumns.OrderColumns.Except(ImportColumns.HistoryColumns).Concat(["sku", "quantity", "unit_price", "line_discount", "tax_rate", "attr.gift_wrap"]).ToList();
        string?[] Line(string sku, string quantity, string price, string? discount, string tax) =>
        [
            "marketplace:lazada", importedRef, "2026-11-02T08:30:00+07:00", "VND", "Đỗ Thị Hoa", "0912 345 678", "hoa@example.vn", "C-778",
            "Đỗ Văn Nam", "0987654321", "5 Hai Bà Trưng", "Tầng 3", "Tràng Tiền", "Hoàn Kiếm", "Hà Nội", "Hà Nội", "100000", "VN", "2026-11-05", "express",
            "30000", "cod", "Unpaid", "WELCOME", "NOV11", "NOV11", "15000", "gift;vip", "Gọi trước khi giao", "hn1",
            sku, quantity, price, discount, tax, "gold",
        ];
        var csv = ImportFiles.Csv([Line(tea, "2", "80000", "5000", "0.08"), Line(rice, "1", "120000", null, "0.05")], columns);

        var done = await client.FinishedAsync((await client.UploadAsync(csv)).Id);

        done.AcceptedOrders.ShouldBe(1, string.Join("; ", (await client.RejectionsAsync(done.Id)).Select(r => r.Reason)));
        var ids = await factory.QueryAsync(_tenant, db => db.Orders.Where(o => o.ExternalRef == placedRef || o.ExternalRef == importedRef)
            .OrderBy(o => o.Number).Select(o => o.Id).ToListAsync());
        var placed = (await client.GetFromJsonAsync<OrderDto>($"/api/orders/{ids[0]}", TesseraJson.Options))!;
        var imported = (await client.GetFromJsonAsync<OrderDto>($"/api/orders/{ids[1]}", TesseraJson.Options))!;
        OrderDto Comparable(OrderDto o) => o with
        {
            Id = Guid.Empty, Number = 0, ExternalRef = null, History = [], Timeline = [],
            Lines = o.Lines.Select(l => l).ToList(), ShortLines = [.. o.ShortLines],
            Operational = o.Operational! with { Tags = [.. o.Operational.Tags] },
            Marketing = o.Marketing! with { CouponCodes = [.. o.Marketing.CouponCodes], PromotionCodes = [.. o.Marketing.PromotionCodes], Discounts = [.. o.Marketing.Discounts] },
            Attributes = new SortedDictionary<string, string>(o.Attributes!.ToDictionary()),
        };
        System.Text.Json.JsonSerializer.Serialize(Comparable(imported), TesseraJson.Options)
            .ShouldBe(System.Text.Json.JsonSerializer.Serialize(Comparable(placed), TesseraJson.Options));
        imported.Timeline!.Select(t => (t.Kind, t.Summary)).ShouldBe(placed.Timeline!.Select(t => (t.Kind, t.Summary)));
        imported.Totals!.GrandTotal.ShouldBe(placed.Totals!.GrandTotal);
    }

    [Fact]
    public async Task Imported_orders_are_numbered_after_the_tenants_other_orders_without_gaps()
    {
        var client = Client;
        var tea = factory.Catalog.Add("Green tea");
        (await client.PostJsonAsync("/api/orders", new { channel = "web", customer = new { name = "Web buyer" }, lines = new[] { new { sku = tea, quantity = 1, unitPrice = 10 } } }))
            .StatusCode.ShouldBe(HttpStatusCode.Created);
        var rows = Enumerable.Range(0, 30).Select(_ => ImportFiles.Row(Ref(), tea)).ToList();

        await client.FinishedAsync((await client.UploadAsync(ImportFiles.Csv(rows))).Id);

        var numbers = await factory.QueryAsync(_tenant, db => db.Orders.OrderBy(o => o.Number).Select(o => o.Number).ToListAsync());
        numbers.ShouldBe(Enumerable.Range(1, 31).Select(n => (long)n));
    }

    [Fact]
    public async Task A_multipart_upload_with_quoted_fields_imports_like_a_plain_body()
    {
        var client = Client;
        var tea = factory.Catalog.Add("Tea, \"premium\" grade");
        var externalRef = Ref();
        var csv = "external_ref,sku,quantity,unit_price,customer_name,notes\r\n" +
                  $"{externalRef},{tea},1,50,\"Phạm, Thị \"\"Bé\"\"\",\"Gọi trước\nkhi giao\"\r\n";
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(csv)).ToArray());
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", "pos-export.csv");

        var response = await client.PostAsync("/api/orders/imports", form);

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var import = await response.ReadAsync<OrderImportDto>();
        import.FileName.ShouldBe("pos-export.csv");
        var done = await client.FinishedAsync(import.Id);
        (done.Status, done.AcceptedOrders).ShouldBe(("Completed", 1));
        var id = await factory.QueryAsync(_tenant, db => db.Orders.Where(o => o.ExternalRef == externalRef).Select(o => o.Id).SingleAsync());
        var order = await client.GetFromJsonAsync<OrderDto>($"/api/orders/{id}", TesseraJson.Options);
        order!.Channel.ShouldBe("import");
        order.Customer!.Name.ShouldBe("Phạm, Thị \"Bé\"");
        order.Operational!.Notes.ShouldBe("Gọi trước\nkhi giao");
    }

    [Fact]
    public async Task A_file_without_the_required_columns_fails_as_a_whole_with_the_reason()
    {
        var client = Client;
        var done = await client.FinishedAsync((await client.UploadAsync("external_ref,sku,qty\nA-1,SKU-1,1\n")).Id);

        done.Status.ShouldBe("Failed");
        done.Error.ShouldBe("Unknown columns: qty. docs/import.md lists the columns.");
        (await client.UploadAsync("external_ref,sku\nA-1,SKU-1\n").ContinueWith(t => client.FinishedAsync(t.Result.Id)).Unwrap())
            .Error.ShouldBe("Missing columns: quantity, unit_price.");
    }

    [Fact]
    public async Task Uploads_are_validated_and_need_the_sales_role()
    {
        var empty = await Client.PostAsync("/api/orders/imports", new StringContent("", Encoding.UTF8, "text/csv"));
        empty.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await empty.ProblemAsync()).ErrorFields().ShouldBe(["file"]);

        var noFile = await Client.PostAsync("/api/orders/imports", new MultipartFormDataContent { { new StringContent("x"), "other" } });
        noFile.StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        var viewer = factory.ClientFor(_tenant, "viewer");
        (await viewer.PostAsync("/api/orders/imports", new StringContent("a", Encoding.UTF8, "text/csv"))).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await viewer.GetAsync($"/api/orders/imports/{Guid.NewGuid()}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData(new byte[] { 0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00 }, "U+0003 on line 1")]
    [InlineData(new byte[] { 0x61, 0x2c, 0x62, 0x0a, 0x41, 0x00, 0x42, 0x2c, 0x43, 0x0a }, "U+0000 on line 2")]
    [InlineData(new byte[] { 0x61, 0x2c, 0x62, 0x0a, 0x41, 0xe2, 0x80, 0xae, 0x42, 0x2c, 0x43, 0x0a }, "U+202E on line 2")]
    [InlineData(new byte[] { 0x61, 0x2c, 0x62, 0x0a, 0xc0, 0xae, 0x2c, 0x43, 0x0a }, "not UTF-8 text")]
    public async Task A_file_that_is_not_clean_utf8_text_is_refused_at_once_naming_the_line(byte[] content, string expected)
    {
        var response = await Client.PostAsync("/api/orders/imports", new ByteArrayContent(content) { Headers = { ContentType = new("text/csv") } });

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = await response.ProblemAsync();
        problem.ErrorFields().ShouldBe(["file"]);
        problem.GetProperty("errors").GetProperty("file")[0].GetString()!.ShouldContain(expected);
    }

    [Fact]
    public async Task The_uploaded_file_is_sealed_at_rest_and_removed_when_the_import_is_done()
    {
        var client = Client;
        var tea = factory.Catalog.Add("Tea");
        var canary = "Canary Importname " + Guid.NewGuid().ToString("N")[..6];
        var files = factory.Services.GetRequiredService<ImportFileStore>();
        var folder = Path.Combine(factory.DataDir, "orders-imports");

        // Stored sealed: written the way an upload is, then read back only through the key.
        var id = Guid.NewGuid();
        await files.SaveAsync(id, _tenant, Encoding.UTF8.GetBytes(ImportFiles.Csv([ImportFiles.Row(Ref(), tea, name: canary)])), default);
        var stored = await File.ReadAllBytesAsync(Path.Combine(folder, $"{id:N}.csv.sealed"));
        Encoding.UTF8.GetString(stored).ShouldNotContain("Canary");
        Encoding.UTF8.GetString((await files.ReadAsync(id, _tenant, default))!).ShouldContain(canary);
        files.Delete(id);

        var import = await client.UploadAsync(ImportFiles.Csv([ImportFiles.Row(Ref(), tea, name: canary)]));
        await client.FinishedAsync(import.Id);
        File.Exists(Path.Combine(folder, $"{import.Id:N}.csv.sealed")).ShouldBeFalse();
    }

    [Fact]
    public async Task While_the_catalog_is_down_the_import_waits_and_then_finishes_where_it_stopped()
    {
        var client = Client;
        var skus = Enumerable.Range(0, 3).Select(_ => factory.Catalog.Add("New product")).ToList();
        factory.Catalog.Down = true;
        try
        {
            var import = await client.UploadAsync(ImportFiles.Csv(skus.Select(s => ImportFiles.Row(Ref(), s))));
            var waiting = await Poll.UntilAsync(async () => (await client.GetFromJsonAsync<OrderImportDto>($"/api/orders/imports/{import.Id}", TesseraJson.Options))!,
                i => i.Error is not null, "the import to note that it waits");
            waiting.Status.ShouldBe("Running");
            waiting.Error!.ShouldContain("catalog");
            factory.Catalog.Down = false;

            var done = await client.FinishedAsync(import.Id);
            (done.Status, done.AcceptedOrders, done.RejectedRows, done.Error).ShouldBe(("Completed", 3, 0, null));
        }
        finally
        {
            factory.Catalog.Down = false;
        }
    }

    [Fact]
    public async Task An_interrupted_import_resumes_after_the_orders_it_had_already_written()
    {
        var client = Client;
        var tea = factory.Catalog.Add("Tea");
        var refs = Enumerable.Range(0, 5).Select(_ => Ref()).ToList();
        var csv = ImportFiles.Csv(refs.Select(r => ImportFiles.Row(r, tea)));
        // As a crash leaves it: Running, with the first two orders recorded as processed (their batch committed).
        var id = Guid.CreateVersion7();
        await factory.Services.GetRequiredService<ImportFileStore>().SaveAsync(id, _tenant, Encoding.UTF8.GetBytes(csv), default);
        await factory.QueryAsync<int>(_tenant, async db =>
        {
            db.Imports.Add(new OrderImport
            {
                Id = id, FileName = "resumed.csv", FileHash = "", Status = ImportStatus.Running, TotalRows = 5, ProcessedRows = 2, ProcessedOrders = 2,
                AcceptedOrders = 2, AcceptedRows = 2, CreatedBy = "tester", CreatedAt = DateTimeOffset.UtcNow, StartedAt = DateTimeOffset.UtcNow,
            });
            return await db.SaveChangesAsync();
        });
        factory.Services.GetRequiredService<ImportSignal>().Uploaded.Notify();

        var done = await client.FinishedAsync(id);

        (done.Status, done.ProcessedRows, done.AcceptedOrders, done.AcceptedRows).ShouldBe(("Completed", 5, 5, 5));
        var written = await factory.QueryAsync(_tenant, db => db.Orders.Where(o => o.ExternalRef != null && refs.Contains(o.ExternalRef)).Select(o => o.ExternalRef).ToListAsync());
        written.Order().ShouldBe(refs.Skip(2).Order());
    }
}
