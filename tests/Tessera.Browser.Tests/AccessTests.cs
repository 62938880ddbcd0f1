using System.Net.Http.Json;
using Microsoft.Playwright;
using Tessera.Orders.Contracts;
using Tessera.ServiceDefaults.Api;

namespace Tessera.Browser.Tests;

/// <summary>Who may do what: roles decide what a page offers and what the server accepts; a tenant sees only its own data.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AccessTests(BrowserFixture fixture)
{
    [Fact]
    public async Task A_viewer_sees_no_place_order_button_and_the_post_is_refused()
    {
        var viewerName = "viewer" + Guid.NewGuid().ToString("N")[..6];
        var sku = await fixture.Api.ProductAsync("Notebook A5");
        var admin = await fixture.NewPageAsync();
        await admin.SignInAsync();
        await admin.StepsAsync(async () =>
        {
            await admin.GotoAsync("/admin/users");
            await admin.GetByLabel("Username").FillAsync(viewerName);
            await admin.GetByLabel("Name", new() { Exact = true }).FillAsync("Read Only");
            await admin.GetByLabel("Password").FillAsync("viewer-password-1");
            await admin.GetByLabel("viewer").CheckAsync();
            await admin.GetByRole(AriaRole.Button, new() { Name = "Create user" }).ClickAsync();
            await Assertions.Expect(admin.GetByTestId("user-table")).ToContainTextAsync(viewerName);
        }, "A_viewer_sees_no_place_order_button_and_the_post_is_refused.admin");

        var viewer = await fixture.NewPageAsync();
        await viewer.SignInAsync(username: viewerName, password: "viewer-password-1");
        await viewer.StepsAsync(async () =>
        {
            await viewer.GotoAsync("/orders");
            await Assertions.Expect(viewer.GetByRole(AriaRole.Heading, new() { Name = "Orders" })).ToBeVisibleAsync();
            await Assertions.Expect(viewer.GetByTestId("place-order")).ToHaveCountAsync(0);
            await Assertions.Expect(viewer.GetByRole(AriaRole.Link, new() { Name = "Users" })).ToHaveCountAsync(0);
            await viewer.GotoAsync("/products");
            await Assertions.Expect(viewer.GetByTestId("new-product")).ToHaveCountAsync(0);

            // The POST itself, with a valid session and antiforgery token, as a hand-crafted form would send it.
            var status = await viewer.EvaluateAsync<int>(@"async ([sku]) => {
                const token = JSON.parse(document.body.getAttribute('hx-headers')).RequestVerificationToken;
                const form = new URLSearchParams({ __RequestVerificationToken: token, IdempotencyKey: crypto.randomUUID(), Channel: 'web',
                    CustomerName: 'Sneaky Viewer', 'Lines.Index': 'a', 'Lines[a].Key': 'a', 'Lines[a].Sku': sku, 'Lines[a].Quantity': '1', 'Lines[a].Price': '1' });
                const response = await fetch('/orders/new', { method: 'POST', body: form });
                return response.status;
            }", new[] { sku });
            status.ShouldBe(403);

            await viewer.GotoAsync("/orders/new");
            await Assertions.Expect(viewer.GetByRole(AriaRole.Heading, new() { Name = "Not allowed" })).ToBeVisibleAsync();
        });

        var orders = await fixture.Api.Client.GetFromJsonAsync<PagedResult<OrderSummaryDto>>("/api/orders?pageSize=500", Tessera.ServiceDefaults.Json.TesseraJson.Options);
        var placed = await Task.WhenAll(orders!.Items.Select(o => fixture.Api.OrderAsync(o.Id)));
        placed.ShouldNotContain(o => o.Customer.Name == "Sneaky Viewer");
    }

    [Fact]
    public async Task A_user_of_another_tenant_never_sees_this_tenants_data_in_pages_or_fragments()
    {
        var sku = await fixture.Api.ProductAsync("Demo-only shampoo");
        var warehouse = await fixture.Api.WarehouseAsync();
        await fixture.Api.ReceiveAsync(warehouse, sku, 9);
        var order = await fixture.Api.PlaceAsync(sku, 1);
        await fixture.Api.SettledAsync(order.Id);
        var tenant = "b" + Guid.NewGuid().ToString("N")[..8];
        await fixture.Api.CreateTenantAsync(tenant, "boss", "tenant-b-password");

        var page = await fixture.NewPageAsync();
        await page.SignInAsync(tenant, "boss", "tenant-b-password");
        await page.StepsAsync(async () =>
        {
            var response = await page.GotoAsync($"/orders/{order.Id}");
            response!.Status.ShouldBe(404);
            (await page.ContentAsync()).ShouldNotContain("Demo-only shampoo");

            foreach (var addressed in new[] { $"/orders/{order.Id}?handler=Live", $"/orders/{order.Id}?handler=Reservations", $"/products/edit/{sku}" })
            {
                var (status, body) = await Fetch(page, addressed);
                status.ShouldBe(404, addressed);
                body.ShouldNotContain("Demo-only shampoo", customMessage: addressed);
            }
            foreach (var list in new[] { $"/inventory?handler=Table&sku={sku}", $"/products?handler=Table&search={sku}", "/orders?handler=Table", "/?handler=LowStock" })
            {
                var (status, body) = await Fetch(page, list);
                status.ShouldBe(200, list);
                body.ShouldNotContain("Demo-only shampoo", customMessage: list);
                body.ShouldNotContain(warehouse, customMessage: list);
                body.ShouldNotContain(order.Id.ToString(), customMessage: list);
            }

            await page.GotoAsync($"/inventory?sku={sku}");
            await Assertions.Expect(page.GetByText("No stock matches")).ToBeVisibleAsync();
            await page.GotoAsync($"/products?search={sku}");
            await Assertions.Expect(page.GetByText("No products match")).ToBeVisibleAsync();
            await page.GotoAsync("/orders");
            await Assertions.Expect(page.GetByText("No orders match")).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByTestId("signed-in-as")).ToContainTextAsync($"Tenant {tenant}");
        });
    }

    private static async Task<(int Status, string Body)> Fetch(IPage page, string url)
    {
        var result = await page.EvaluateAsync<string[]>(@"async (url) => {
            const response = await fetch(url, { headers: { 'HX-Request': 'true' } });
            return [String(response.status), await response.text()];
        }", url);
        return (int.Parse(result[0], System.Globalization.CultureInfo.InvariantCulture), result[1]);
    }
}
