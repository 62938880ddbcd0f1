using System.Net;
using System.Net.Http.Json;
using Microsoft.Playwright;
using Tessera.Logistics.Contracts;
using Tessera.Orders.Contracts;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;

namespace Tessera.Browser.Tests;

/// <summary>
/// A day of back-office work in Vietnamese: sign in, place an order with the product picker, pick, pack and dispatch
/// three shipments in one go, print the packing slip (read back with its diacritics), find the customer and see the
/// order in their history — and on every one of those pages, no text that is not a Vietnamese resource or data.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class BackOfficeTests(BrowserFixture fixture)
{
    private Api Api => fixture.Api;

    private static readonly TextAudit Vietnamese = TextAudit.Of("vi");

    /// <summary>What a page shows a person: its text, and the accessible names and hints of its elements (not option lists of data).</summary>
    private const string VisibleTexts = """
        () => {
            const out = [];
            const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            let node;
            while ((node = walker.nextNode())) {
                const parent = node.parentElement;
                if (!parent || parent.closest('script, style, code, option, .dropdown-menu')) continue;
                const text = node.textContent.trim();
                if (text) out.push(text);
            }
            document.querySelectorAll('[aria-label], [placeholder], [title]').forEach(e => ['aria-label', 'placeholder', 'title'].forEach(a => {
                const v = e.getAttribute(a);
                if (v && !e.closest('.dropdown-menu')) out.push(v);
            }));
            return out;
        }
        """;

    private static async Task AuditAsync(IPage page, IEnumerable<string> data)
    {
        var texts = await page.EvaluateAsync<string[]>(VisibleTexts);
        var signedInAs = await page.GetByTestId("signed-in-as").CountAsync() > 0 ? await page.GetByTestId("signed-in-as").InnerTextAsync() : "";
        var unexplained = Vietnamese.Unexplained(texts, [.. data, .. signedInAs.Split('·', StringSplitOptions.TrimEntries), "Tessera"]);
        unexplained.ShouldBeEmpty($"texts on {page.Url} with no Vietnamese resource: " + string.Join(" | ", unexplained));
    }

    [Fact]
    public async Task A_day_of_back_office_work_in_Vietnamese_with_no_English_on_its_pages()
    {
        const string product = "Trà Ô Long Bảo Lộc 500g";
        const string customer = "Nguyễn Thị Thu Hà";
        var sku = await Api.ProductAsync(product, 150000m, Api.Unique("OOLONG"));
        var warehouse = await Api.WarehouseAsync("Kho Thủ Đức");
        await Api.ReceiveAsync(warehouse, sku, 20m);
        var carrier = Api.Unique("GHN");
        (await Api.Client.PostJsonAsync("/api/logistics/carriers", new
        {
            code = carrier, name = "Giao Hàng Nhanh", trackingUrlTemplate = "https://track.example/{waybill}", serviceLevels = new[] { "standard" },
        })).StatusCode.ShouldBe(HttpStatusCode.Created);
        var phone = "09" + Random.Shared.Next(10_000_000, 99_999_999);
        var data = new List<string> { product, sku, warehouse, "Kho Thủ Đức", carrier, "Giao Hàng Nhanh", customer, phone, "web", "standard", "pcs", "Beverages", "admin" };

        var page = await fixture.NewPageAsync("vi-VN");
        await page.SetViewportSizeAsync(1400, 900);
        await page.StepsAsync(async () =>
        {
            await page.GotoAsync("/signin");
            await AuditAsync(page, ["English (United States)", "Tiếng Việt (Việt Nam)"]);
            await page.GetByLabel("Doanh nghiệp").FillAsync("demo");
            await page.GetByLabel("Tên đăng nhập").FillAsync("admin");
            await page.GetByLabel("Mật khẩu").FillAsync(RunningSystem.AdminPassword);
            await page.GetByRole(AriaRole.Button, new() { Name = "Đăng nhập" }).ClickAsync();
            await page.WaitForURLAsync(url => !url.Contains("/signin"));

            // Place an order: the product is found by a word of its name and fills the line's price.
            await page.GotoAsync("/orders/new");
            await AuditAsync(page, data);
            await page.GetByLabel("Tên", new() { Exact = true }).FillAsync(customer);
            await page.GetByLabel("Điện thoại", new() { Exact = true }).FillAsync(phone);
            var skuInput = page.Locator("[data-product-picker]").First;
            await skuInput.PressSequentiallyAsync("Ô Long Bảo", new() { Delay = 40 });
            await page.GetByTestId($"pick-{sku}").ClickAsync();
            await Assertions.Expect(skuInput).ToHaveValueAsync(sku);
            await Assertions.Expect(page.Locator("[data-line-price]").First).ToHaveValueAsync("150000");
            await page.Locator("[data-line-quantity]").First.FillAsync("2");
            await page.GetByTestId("submit-order").ClickAsync();
            await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/orders/[0-9a-f-]{36}$"));
            var orderId = Guid.Parse(page.Url[^36..]);
            var order = await Api.SettledAsync(orderId);
            order.Status.ShouldBe(OrderStatus.Confirmed);
            data.AddRange([$"#{order.Number}", order.Number.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await Assertions.Expect(page.GetByTestId("order-status")).ToHaveTextAsync("Đã xác nhận", new() { Timeout = 20_000 });

            // Two more orders for the same warehouse: three shipments to work in one go.
            var others = new[] { await Api.PlaceAsync(sku, 1m, phone: "0907" + Random.Shared.Next(100000, 999999)), await Api.PlaceAsync(sku, 1m, phone: "0908" + Random.Shared.Next(100000, 999999)) };
            foreach (var other in others)
                data.AddRange([$"#{other.Number}", "Trần Thị Bình"]);
            var shipments = await Poll.UntilAsync(async () => (await Api.Client.GetFromJsonAsync<PagedResult<ShipmentSummaryDto>>(
                $"/api/logistics/shipments?warehouse={warehouse}", TesseraJson.Options))!.Items, items => items.Count == 3, "the three shipments");
            data.AddRange(shipments.Select(s => s.Number));
            data.AddRange(shipments.Select(s => $"#{s.OrderNumber}"));

            await page.GotoAsync($"/shipments?warehouse={warehouse}");
            foreach (var (action, status) in new[] { ("pick", "Đã lấy hàng"), ("pack", "Đã đóng gói"), ("dispatch", "Đã xuất giao") })
            {
                await page.Locator("[data-select-all='shipments']").CheckAsync();
                await page.Locator("#bulk-action").SelectOptionAsync(action);
                if (action == "dispatch")
                    await page.Locator("#bulk-carrier").SelectOptionAsync(carrier);
                await page.GetByTestId("bulk-apply").ClickAsync();
                await Assertions.Expect(page.GetByTestId("bulk-result")).ToContainTextAsync("Đã xử lý 3 trên 3 lô hàng.");
                foreach (var shipment in shipments)
                    await Assertions.Expect(page.GetByTestId($"status-{shipment.Number}")).ToHaveTextAsync(status);
            }
            var waybills = (await Task.WhenAll(shipments.Select(s => Api.Client.GetFromJsonAsync<ShipmentDto>($"/api/logistics/shipments/{s.Id}", TesseraJson.Options))))
                .Select(s => s!.WaybillNumber!).ToList();
            data.AddRange(waybills);
            await AuditAsync(page, data);

            // The packing slip of the order placed on the page: the Vietnamese of its name and product survives the PDF.
            var mine = shipments.Single(s => s.OrderId == orderId);
            await page.GotoAsync($"/shipments/{mine.Id}");
            await AuditAsync(page, data);
            var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("print-packing-slip").ClickAsync());
            var slip = Pdfs.Text(await File.ReadAllBytesAsync((await download.PathAsync())!));
            foreach (var expected in new[] { "Phiếu đóng gói", customer, product, mine.Number, "Giao đến" })
                slip.ShouldContain(expected);

            // The customer, found by two words of the name typed without accents, with the order in their history.
            await page.GotoAsync("/customers");
            await page.Locator("#q").FillAsync("thu ha");
            await page.GetByRole(AriaRole.Link, new() { Name = customer }).First.ClickAsync();
            await Assertions.Expect(page.GetByTestId("customer-name")).ToContainTextAsync(customer);
            await Assertions.Expect(page.GetByTestId("customer-orders")).ToContainTextAsync($"#{order.Number}");
            await AuditAsync(page, data);
        });
    }

    [Theory]
    [InlineData("en-US")]
    [InlineData("vi-VN")]
    public async Task The_navigation_stays_on_one_line_at_1400_pixels_and_labels_break_only_between_words(string locale)
    {
        var order = await Api.PlaceAsync(await Api.ProductAsync("Gạo ST25 túi 5 kg"), 1m);
        var page = await fixture.NewPageAsync(locale);
        await page.SetViewportSizeAsync(1400, 900);
        await page.StepsAsync(async () =>
        {
            await page.SignInAsync(labels: locale == "vi-VN" ? ("Doanh nghiệp", "Tên đăng nhập", "Mật khẩu", "Đăng nhập") : null);
            await page.GotoAsync($"/orders/{order.Id}");
            var tops = await page.EvaluateAsync<double[]>("() => [...document.querySelectorAll('[data-testid=main-nav] > li')].map(li => li.getBoundingClientRect().top)");
            tops.Length.ShouldBeGreaterThan(7);
            tops.Distinct().Count().ShouldBe(1, "every item of the navigation on one line");
            // A label wider than its column overflows it (word-break is normal): none does.
            var overflowing = await page.EvaluateAsync<string[]>(
                "() => [...document.querySelectorAll('dt, th, label, .nav-link')].filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent.trim())");
            overflowing.ShouldBeEmpty();
        }, $"Navigation_at_1400_{locale}");
    }
}
