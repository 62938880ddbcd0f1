using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tessera.Messaging.Inbox;
using Tessera.Messaging.Outbox;
using Tessera.Orders.Contracts;
using Tessera.Orders.Search;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;

namespace Tessera.Orders.Tests;

/// <summary>The search is written in the transaction that changes the order (ADR 0033).</summary>
public sealed class SearchProjectionTests(OrdersFactory factory) : IClassFixture<OrdersFactory>
{
    private readonly HttpClient _client = factory.ClientFor("projection-" + Guid.NewGuid().ToString("N")[..6], "admin");

    private async Task<OrderCreatedDto> Place(string sku, string[]? tags = null) =>
        await (await _client.PostJsonAsync("/api/orders", new
        {
            channel = "web",
            customer = new { name = "Khách Projection", phone = "0907777777" },
            lines = new[] { new { sku, quantity = 1m, unitPrice = 10m } },
            operational = new { tags = tags ?? [] },
        })).ReadAsync<OrderCreatedDto>();

    private async Task<List<OrderSummaryDto>> Search(string query) =>
        (await _client.GetFromJsonAsync<OrderSearchPageDto>("/api/orders/search?" + query, TesseraJson.Options))!.Items.ToList();

    [Fact]
    public async Task An_order_is_found_as_soon_as_it_is_placed_and_shows_each_change_as_soon_as_it_is_made()
    {
        var sku = factory.Catalog.Add("Projected tea");
        var placed = await Place(sku, ["gift"]);

        // No polling: the placement's answer comes after the commit that wrote the search rows.
        (await Search($"q=%23{placed.Number}")).ShouldHaveSingleItem().Status.ShouldBe(OrderStatus.Pending);
        (await Search($"sku={sku}")).Select(o => o.Id).ShouldBe([placed.Id]);
        (await Search("tag=gift&phone=0907777777")).Select(o => o.Id).ShouldBe([placed.Id]);

        (await _client.PostJsonAsync($"/api/orders/{placed.Id}/cancel", new { reason = "Changed my mind" })).EnsureSuccessStatusCode();
        (await Search($"q=%23{placed.Number}")).ShouldHaveSingleItem().Status.ShouldBe(OrderStatus.Cancelled);
        (await Search($"sku={sku}&status=Cancelled")).Select(o => o.Id).ShouldBe([placed.Id]);
        (await Search($"sku={sku}&status=Pending")).ShouldBeEmpty();
    }

    [Fact]
    public async Task The_service_no_longer_reads_its_own_events_for_the_search()
    {
        var sku = factory.Catalog.Add("Unread tea");
        var placed = await Place(sku);
        using var scope = factory.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<Data.OrdersDbContext>();
        (await db.Set<OutboxMessage>().CountAsync(m => m.AggregateId == placed.Id.ToString() && m.Type == nameof(OrderPlaced))).ShouldBe(1);
        (await db.Set<InboxMessage>().CountAsync(m => m.Producer == "orders" && m.AggregateKey == placed.Id.ToString())).ShouldBe(0);
        var status = await _client.GetFromJsonAsync<JsonElement>("/api/orders/messaging/status");
        status.GetProperty("subscriptions").EnumerateArray().Select(s => s.GetProperty("producer").GetString()).ShouldNotContain("orders");
    }

    [Fact]
    public async Task After_an_upgrade_the_search_catches_up_with_what_the_former_subscription_had_not_projected()
    {
        var sku = factory.Catalog.Add("Upgraded tea");
        var behind = await Place(sku); // its OrderPlaced is after the old checkpoint
        var parked = await Place(sku); // a message about it was parked by the old release
        var catchUp = factory.Services.GetServices<IHostedService>().OfType<SearchCatchUp>().Single();
        await catchUp.RunAsync(CancellationToken.None); // whatever the start left: this test sets up its own state

        // What the previous release left: a checkpoint of its subscription to the service's own events before the first
        // order's events, a parked message about the second, and neither order's search rows written.
        using (var scope = factory.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<Data.OrdersDbContext>();
            var position = await db.Set<OutboxMessage>().Where(m => m.AggregateId == behind.Id.ToString()).MinAsync(m => m.Position);
            db.Set<SubscriberCheckpoint>().Add(new SubscriberCheckpoint { Producer = "orders", Position = position - 1, UpdatedAt = DateTimeOffset.UtcNow });
            db.Set<InboxMessage>().Add(new InboxMessage
            {
                MessageId = Guid.CreateVersion7(), Producer = "orders", Position = 1, Type = nameof(OrderConfirmed), Version = 1, Tenant = "t",
                AggregateKey = parked.Id.ToString(), Envelope = "{}", Status = InboxStatus.Parked, Attempts = 5, LastError = "old release",
                NextAttemptAt = DateTimeOffset.UtcNow, ReceivedAt = DateTimeOffset.UtcNow, ParkedAt = DateTimeOffset.UtcNow,
            });
            await db.SaveChangesAsync();
            await using var transaction = await db.BeginWriteAsync();
            await OrderSearchIndex.RemoveAsync(db, behind.Id, CancellationToken.None);
            await OrderSearchIndex.RemoveAsync(db, parked.Id, CancellationToken.None);
            await transaction.CommitAsync();
        }
        (await Search($"sku={sku}")).ShouldBeEmpty();

        (await catchUp.RunAsync(CancellationToken.None)).ShouldBeGreaterThanOrEqualTo(2);

        (await Search($"sku={sku}")).Select(o => o.Id).ShouldBe([parked.Id, behind.Id]);
        using (var scope = factory.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<Data.OrdersDbContext>();
            (await db.Set<SubscriberCheckpoint>().CountAsync(c => c.Producer == "orders")).ShouldBe(0);
            (await db.Set<InboxMessage>().Where(m => m.Producer == "orders").Select(m => m.Status).ToListAsync()).ShouldBe([InboxStatus.Processed]);
        }
        (await catchUp.RunAsync(CancellationToken.None)).ShouldBe(0);
    }
}
