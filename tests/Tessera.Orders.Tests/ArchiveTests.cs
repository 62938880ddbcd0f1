using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Orders.Contracts;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;

namespace Tessera.Orders.Tests;

/// <summary>Orders archive as soon as they close, so that the tests see the move.</summary>
public sealed class ArchivingOrdersFactory : OrdersFactory
{
    protected override IDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        ["Tessera:Orders:Archive:After"] = "00:00:00",
        ["Tessera:Orders:Archive:Interval"] = "00:00:00.200",
    };
}

public sealed class ArchiveTests(ArchivingOrdersFactory factory) : IClassFixture<ArchivingOrdersFactory>
{
    private const string Tenant = "archiving";
    private readonly HttpClient _client = factory.ClientFor(Tenant, "admin");

    private async Task<OrderCreatedDto> Cancelled(string sku)
    {
        var order = await (await _client.PostJsonAsync("/api/orders", new
        {
            channel = "web",
            customer = new { name = "Archived Customer", phone = "0987000111" },
            lines = new[] { new { sku, quantity = 1m, unitPrice = 10m } },
            operational = new { tags = new[] { "old" } },
        })).ReadAsync<OrderCreatedDto>();
        (await _client.PostJsonAsync($"/api/orders/{order.Id}/cancel", new { reason = "test" })).EnsureSuccessStatusCode();
        return order;
    }

    [Fact]
    public async Task A_closed_order_leaves_the_live_tables_and_stays_readable_and_searchable_with_include_archived()
    {
        var sku = factory.Catalog.Add("Archived tea");
        var open = await (await _client.PostJsonAsync("/api/orders", new
        {
            channel = "web",
            customer = new { name = "Open" },
            lines = new[] { new { sku, quantity = 1m, unitPrice = 10m } },
        })).ReadAsync<OrderCreatedDto>();
        var closed = await Cancelled(sku);

        await Poll.UntilAsync(() => factory.QueryAsync(null, db => db.Orders.IgnoreQueryFilters().AnyAsync(o => o.Id == closed.Id)), live => !live,
            "the cancelled order to leave the live tables");

        var read = await _client.GetFromJsonAsync<OrderDto>($"/api/orders/{closed.Id}", TesseraJson.Options);
        read!.Archived.ShouldBeTrue();
        read.Status.ShouldBe(OrderStatus.Cancelled);
        read.Customer.Name.ShouldBe("Archived Customer");
        read.Timeline!.ShouldContain(t => t.Summary.StartsWith("Cancelled", StringComparison.Ordinal));

        var liveOnly = await _client.GetFromJsonAsync<OrderSearchPageDto>($"/api/orders/search?sku={sku}", TesseraJson.Options);
        var withArchive = await _client.GetFromJsonAsync<OrderSearchPageDto>($"/api/orders/search?sku={sku}&includeArchived=true", TesseraJson.Options);
        var byPhone = await _client.GetFromJsonAsync<OrderSearchPageDto>("/api/orders/search?phone=0987000111&includeArchived=true", TesseraJson.Options);
        liveOnly!.Items.Select(o => o.Id).ShouldBe([open.Id]);
        withArchive!.Items.Select(o => (o.Id, o.Archived)).ShouldBe([(closed.Id, true), (open.Id, false)]);
        byPhone!.Items.ShouldContain(o => o.Id == closed.Id);
        (await factory.ClientFor("intruder", "admin").GetAsync($"/api/orders/{closed.Id}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_archived_order_cannot_change()
    {
        var closed = await Cancelled(factory.Catalog.Add());
        await Poll.UntilAsync(() => factory.QueryAsync(null, db => db.Orders.IgnoreQueryFilters().AnyAsync(o => o.Id == closed.Id)), live => !live, "the order to be archived");

        var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/orders/{closed.Id}") { Content = JsonContent.Create(new { operational = new { tags = new[] { "x" } } }) };
        request.Headers.IfMatch.Add(new EntityTagHeaderValue("\"3\""));
        var change = await _client.SendAsync(request);

        change.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await change.ProblemAsync()).GetProperty("title").GetString().ShouldBe("The order is archived");
    }

    [Fact]
    public async Task Paging_through_live_and_archived_orders_visits_each_once_in_order()
    {
        var sku = factory.Catalog.Add("Paged product");
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++)
            ids.Add((await Cancelled(sku)).Id);
        await Poll.UntilAsync(() => factory.QueryAsync(null, db => db.Orders.IgnoreQueryFilters().CountAsync(o => ids.Contains(o.Id))), c => c == 0, "the orders to be archived");
        for (var i = 0; i < 3; i++)
            ids.Add((await (await _client.PostJsonAsync("/api/orders", new { channel = "web", customer = new { name = "Open" }, lines = new[] { new { sku, quantity = 1m, unitPrice = 10m } } }))
                .ReadAsync<OrderCreatedDto>()).Id);
        await Poll.UntilAsync(async () => (await _client.GetFromJsonAsync<OrderSearchPageDto>($"/api/orders/search?sku={sku}", TesseraJson.Options))!.Items.Count, c => c == 3,
            "the open orders to be searchable");

        (await PageThrough($"sku={sku}&includeArchived=true&sort=number")).ShouldBe(ids);
        // Every total is equal: ties across the two stores put live orders first, then archived, each newest first.
        (await PageThrough($"sku={sku}&includeArchived=true&sort=-total")).ShouldBe([ids[5], ids[4], ids[3], ids[2], ids[1], ids[0]]);
    }

    [Fact]
    public async Task An_order_caught_between_the_live_store_and_the_archive_is_listed_once()
    {
        var sku = factory.Catalog.Add("Moving product");
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++)
            ids.Add((await (await _client.PostJsonAsync("/api/orders", new { channel = "web", customer = new { name = "Moving" }, lines = new[] { new { sku, quantity = 1m, unitPrice = 10m } } }))
                .ReadAsync<OrderCreatedDto>()).Id);
        await Poll.UntilAsync(async () => (await _client.GetFromJsonAsync<OrderSearchPageDto>($"/api/orders/search?sku={sku}", TesseraJson.Options))!.Items.Count, c => c == 3,
            "the orders to be searchable");

        // What the archive job leaves after its first step (the archive written, the live rows not yet deleted), for every order.
        using (var scope = factory.Services.CreateScope())
        {
            var live = scope.ServiceProvider.GetRequiredService<Data.OrdersDbContext>();
            var archive = scope.ServiceProvider.GetRequiredService<Data.OrdersArchiveDbContext>();
            await using var transaction = await archive.BeginWriteAsync();
            foreach (var order in await live.Orders.IgnoreQueryFilters().Include(o => o.Lines).Where(o => ids.Contains(o.Id)).ToListAsync())
                await Search.OrderSearchIndex.UpsertAsync(archive, order, CancellationToken.None);
            await transaction.CommitAsync();
        }

        (await PageThrough($"sku={sku}&includeArchived=true&sort=number")).ShouldBe(ids);
        (await PageThrough($"sku={sku}&includeArchived=true")).ShouldBe([ids[2], ids[1], ids[0]]);
    }

    private async Task<List<Guid>> PageThrough(string query)
    {
        var seen = new List<Guid>();
        string? cursor = null;
        do
        {
            var page = await _client.GetFromJsonAsync<OrderSearchPageDto>(
                $"/api/orders/search?{query}&limit=2" + (cursor is null ? "" : "&after=" + cursor), TesseraJson.Options);
            seen.AddRange(page!.Items.Select(o => o.Id));
            cursor = page.Next;
        }
        while (cursor is not null);
        return seen;
    }
}
