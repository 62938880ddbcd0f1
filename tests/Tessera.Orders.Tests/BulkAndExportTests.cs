using System.Net;
using System.Net.Http.Json;
using Tessera.Orders.Contracts;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;

namespace Tessera.Orders.Tests;

/// <summary>Many orders at once: tagged, cancelled (refusals named), and exported as CSV with the search's filters.</summary>
public sealed class BulkAndExportTests(OrdersFactory factory) : IClassFixture<OrdersFactory>
{
    private readonly string _tenant = "bulk-" + Guid.NewGuid().ToString("N")[..6];
    private HttpClient Client => factory.ClientFor(_tenant, "sales");

    private async Task<Guid> PlaceAsync(string sku, string name)
    {
        var response = await Client.PostJsonAsync("/api/orders", new
        {
            channel = "web", customer = new { name, phone = "0909" + Random.Shared.Next(100000, 999999) },
            lines = new[] { new { sku, quantity = 1m, unitPrice = 10000m } },
        }, Guid.NewGuid().ToString());
        return (await response.ReadAsync<OrderCreatedDto>()).Id;
    }

    [Fact]
    public async Task Orders_are_tagged_and_cancelled_together_and_the_export_follows_the_filters_with_every_row()
    {
        var tea = factory.Catalog.Add("Green tea");
        var ids = new List<Guid>();
        foreach (var name in new[] { "Nguyễn An", "Trần Bình", "Lê \"Chi\", Jr." })
            ids.Add(await PlaceAsync(tea, name));

        var tagged = await (await Client.PostJsonAsync("/api/orders/bulk/tag", new { orderIds = ids.Take(2), tags = new[] { "Wave 7" } })).ReadAsync<BulkResultDto>();
        tagged.Succeeded.ShouldBe(2);

        var missing = Guid.NewGuid();
        var cancelled = await (await Client.PostJsonAsync("/api/orders/bulk/cancel", new { orderIds = new[] { ids[0], missing }, reason = "Duplicate orders" }))
            .ReadAsync<BulkResultDto>();
        cancelled.Items.Single(i => i.Id == ids[0]).Succeeded.ShouldBeTrue();
        cancelled.Items.Single(i => i.Id == missing).ShouldSatisfyAllConditions(i => i.Succeeded.ShouldBeFalse(), i => i.Title.ShouldBe("Order not found"));
        (await Client.GetFromJsonAsync<OrderDto>($"/api/orders/{ids[0]}", TesseraJson.Options))!.Status.ShouldBe(OrderStatus.Cancelled);

        await Poll.UntilAsync(() => Client.GetFromJsonAsync<OrderSearchPageDto>("/api/orders/search?tag=wave%207", TesseraJson.Options),
            p => p!.Items.Count == 2, "the tags in the search");
        var csv = await Client.GetStringAsync("/api/orders/export?tag=wave%207");
        var lines = csv.TrimStart('\uFEFF').Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[0].ShouldStartWith("number,placed_at,status,channel");
        lines.Length.ShouldBe(3);
        csv.ShouldContain("Trần Bình");
        csv.ShouldContain("Cancelled");
        csv.ShouldNotContain("Jr.", Case.Sensitive);

        var all = await Client.GetStringAsync("/api/orders/export");
        all.ShouldContain("\"Lê \"\"Chi\"\", Jr.\"");
        (await Client.GetAsync("/api/orders/export?status=Nope")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }
}
