using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Tessera.Orders.Contracts;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;

namespace Tessera.Orders.Tests;

public sealed class SearchTests(OrdersFactory factory) : IClassFixture<OrdersFactory>, IAsyncLifetime
{
    private readonly string _tenant = "search-" + Guid.NewGuid().ToString("N")[..6];
    private HttpClient _client = null!;
    private string _tea = "", _rice = "";
    private readonly List<OrderCreatedDto> _orders = [];

    public async Task InitializeAsync()
    {
        _client = factory.ClientFor(_tenant, "admin");
        _tea = factory.Catalog.Add("Jasmine green tea 500g");
        _rice = factory.Catalog.Add("ST25 fragrant rice 5kg");
        await _client.PutAsJsonAsync("/api/orders/attributes/source", new { label = "Source", type = "choice", required = false, allowedValues = new[] { "tiktok", "facebook" } });
        await _client.PutAsJsonAsync("/api/orders/attributes/boxes", new { label = "Boxes", type = "number", required = false });
        var specs = new (string Channel, string Sku, decimal Price, string[] Tags, object? Attributes, string Phone)[]
        {
            ("web", _tea, 100m, ["vip"], new { source = "tiktok", boxes = 2 }, "0901111111"),
            ("pos", _rice, 300m, [], null, "0902222222"),
            ("web", _rice, 200m, ["vip", "gift"], new { source = "facebook" }, "0903333333"),
            ("marketplace:shopee", _tea, 50m, [], new { boxes = 2.0 }, "0901111111"),
            ("web", _tea, 400m, ["gift"], null, "0904444444"),
        };
        foreach (var (channel, sku, price, tags, attributes, phone) in specs)
            _orders.Add(await (await _client.PostJsonAsync("/api/orders", new
            {
                channel,
                externalRef = "EXT-" + Guid.NewGuid().ToString("N")[..8],
                customer = new { name = "Khách " + phone, phone, email = $"c{phone}@example.vn" },
                lines = new[] { new { sku, quantity = 1m, unitPrice = price } },
                operational = new { tags },
                attributes,
            })).ReadAsync<OrderCreatedDto>());
        await Poll.UntilAsync(async () => (await Search("")).Items.Count, count => count == specs.Length, "every order to be in the search model");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<OrderSearchPageDto> Search(string query) =>
        (await _client.GetFromJsonAsync<OrderSearchPageDto>("/api/orders/search?" + query, TesseraJson.Options))!;

    private async Task<long[]> Numbers(string query) => (await Search(query)).Items.Select(o => o.Number).ToArray();

    private long N(int index) => _orders[index].Number;

    [Fact]
    public async Task Newest_first_by_default_and_filters_narrow_it_down()
    {
        (await Numbers("")).ShouldBe([N(4), N(3), N(2), N(1), N(0)]);
        (await Numbers("channel=web")).ShouldBe([N(4), N(2), N(0)]);
        (await Numbers($"sku={_tea}")).ShouldBe([N(4), N(3), N(0)]);
        (await Numbers($"sku={_tea}&channel=web")).ShouldBe([N(4), N(0)]);
        (await Numbers("tag=VIP")).ShouldBe([N(2), N(0)]);
        (await Numbers("tag=gift&channel=web")).ShouldBe([N(4), N(2)]);
        (await Numbers("status=Pending")).Length.ShouldBe(5);
        (await Numbers("status=Confirmed,Cancelled")).ShouldBeEmpty();
    }

    [Fact]
    public async Task Extension_attributes_are_searchable_with_values_compared_as_their_type()
    {
        (await Numbers("attr.source=tiktok")).ShouldBe([N(0)]);
        (await Numbers("attr.boxes=2.00")).ShouldBe([N(3), N(0)]);
        (await Numbers("attr.boxes=2&attr.source=tiktok")).ShouldBe([N(0)]);
    }

    [Fact]
    public async Task Phone_and_email_find_orders_exactly_whatever_their_formatting()
    {
        (await Numbers("phone=090 111 1111")).ShouldBe([N(3), N(0)]);
        (await Numbers("email=C0903333333@EXAMPLE.VN")).ShouldBe([N(2)]);
        (await Numbers("phone=0909999999")).ShouldBeEmpty();
    }

    [Fact]
    public async Task Free_text_finds_numbers_references_descriptions_and_tags_anywhere_in_the_word()
    {
        (await Numbers("q=fragrant")).ShouldBe([N(2), N(1)]);
        (await Numbers("q=JASMINE")).ShouldBe([N(4), N(3), N(0)]);
        (await Numbers("q=gif")).ShouldBe([N(4), N(2)]);
        (await Numbers($"q=%23{N(1)}")).ShouldBe([N(1)]);
        // A piece of the external reference from its dash on: never all digits, so never taken for an order number.
        (await Numbers("q=" + (await _client.GetFromJsonAsync<OrderDto>($"/api/orders/{_orders[2].Id}", TesseraJson.Options))!.ExternalRef![3..])).ShouldBe([N(2)]);
    }

    [Fact]
    public async Task Sorting_by_total_and_keyset_paging_visit_every_order_once()
    {
        (await Numbers("sort=-total")).ShouldBe([N(4), N(1), N(2), N(0), N(3)]);
        (await Numbers("sort=number")).ShouldBe([N(0), N(1), N(2), N(3), N(4)]);

        var seen = new List<long>();
        string? cursor = null;
        do
        {
            var page = await Search("sort=-total&limit=2" + (cursor is null ? "" : "&after=" + cursor));
            page.Items.Count.ShouldBeLessThanOrEqualTo(2);
            seen.AddRange(page.Items.Select(o => o.Number));
            cursor = page.Next;
        }
        while (cursor is not null);
        seen.ShouldBe([N(4), N(1), N(2), N(0), N(3)]);
    }

    [Fact]
    public async Task Bad_criteria_are_named()
    {
        var response = await _client.GetAsync("/api/orders/search?q=ab&status=Lost&sort=colour&limit=999&attr.unknown=1&after=garbage");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.ProblemAsync()).ErrorFields().ShouldBe(["q", "status", "sort", "limit", "after", "attr.unknown"], ignoreOrder: true);
    }

    [Fact]
    public async Task Another_tenant_finds_nothing_of_this_one()
    {
        var other = factory.ClientFor("someone-else", "admin");

        var page = await other.GetFromJsonAsync<OrderSearchPageDto>("/api/orders/search?q=JASMINE", TesseraJson.Options);

        page!.Items.ShouldNotContain(o => _orders.Select(x => x.Id).Contains(o.Id));
    }

    [Fact]
    public async Task The_search_model_holds_no_personal_data()
    {
        var rows = await factory.QueryAsync(null, db => db.Database.SqlQueryRaw<string>(
            "SELECT coalesce(phone_index, '') || ' ' || coalesce(email_index, '') || ' ' || tags AS Value FROM order_search").ToListAsync());

        string.Join(" ", rows).ShouldNotContain("0901111111");
        string.Join(" ", rows).ShouldNotContain("example.vn");
    }

    [Fact]
    public async Task Paging_by_time_is_exact_to_the_tick()
    {
        // Ticks near 6.4e17 are not all doubles (they are 128 apart there): T rounds up to the next double, past T itself.
        var t = new DateTimeOffset(2026, 11, 1, 8, 0, 0, TimeSpan.Zero).UtcTicks / 128 * 128 + 100;
        var sku = factory.Catalog.Add("Tick-exact tea");
        var placed = new List<Guid>();
        foreach (var ticks in new[] { t - 1, t })
            placed.Add((await (await _client.PostJsonAsync("/api/orders", new
            {
                channel = "web",
                placedAt = new DateTimeOffset(ticks, TimeSpan.Zero),
                customer = new { name = "Tick" },
                lines = new[] { new { sku, quantity = 1m, unitPrice = 10m } },
            })).ReadAsync<OrderCreatedDto>()).Id);
        await Poll.UntilAsync(async () => (await Search($"sku={sku}")).Items.Count, count => count == 2, "both orders to be in the search model");

        var first = await Search($"sku={sku}&limit=1");
        var second = await Search($"sku={sku}&limit=1&after={first.Next}");

        (first.Items.Single().Id, second.Items.Single().Id).ShouldBe((placed[1], placed[0]));
        second.Next.ShouldBeNull();
    }

    [Fact]
    public async Task A_whole_reference_or_its_beginning_finds_those_orders_and_their_pages_stay_references()
    {
        var references = new List<string>();
        foreach (var created in _orders)
            references.Add((await _client.GetFromJsonAsync<OrderDto>($"/api/orders/{created.Id}", TesseraJson.Options))!.ExternalRef!);

        (await Numbers("q=" + references[3])).ShouldBe([N(3)]);

        var seen = new List<long>();
        string? cursor = null;
        do
        {
            var page = await Search("q=EXT-&limit=2" + (cursor is null ? "" : "&after=" + cursor));
            seen.AddRange(page.Items.Select(o => o.Number));
            cursor = page.Next;
        }
        while (cursor is not null);
        seen.ShouldBe([N(4), N(3), N(2), N(1), N(0)]);
    }

    [Fact]
    public async Task The_order_list_total_follows_placements_cancellations_and_filters()
    {
        var client = factory.ClientFor("totals-" + Guid.NewGuid().ToString("N")[..6], "admin");
        var sku = factory.Catalog.Add("Counted rice");
        var placed = new List<OrderCreatedDto>();
        foreach (var channel in new[] { "web", "web", "pos" })
            placed.Add(await (await client.PostJsonAsync("/api/orders", new
            {
                channel, customer = new { name = "Counted" }, lines = new[] { new { sku, quantity = 1m, unitPrice = 10m } },
            })).ReadAsync<OrderCreatedDto>());
        (await client.PostJsonAsync($"/api/orders/{placed[0].Id}/cancel", new { reason = "Counted out" })).EnsureSuccessStatusCode();

        async Task<int> Total(string query) =>
            (await client.GetFromJsonAsync<Tessera.ServiceDefaults.Api.PagedResult<OrderSummaryDto>>($"/api/orders?pageSize=1&{query}", TesseraJson.Options))!.Total;

        (await Total("")).ShouldBe(3);
        (await Total("channel=web")).ShouldBe(2);
        (await Total("status=Pending")).ShouldBe(2);
        (await Total("status=Cancelled&channel=web")).ShouldBe(1);
        (await Total("status=Cancelled&channel=pos")).ShouldBe(0);
        // A date range is counted on the orders themselves, and agrees.
        (await Total("from=2000-01-01T00:00:00Z&channel=web")).ShouldBe(2);
    }
}
