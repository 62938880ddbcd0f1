extern alias inventory;

using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Messaging;
using Tessera.Messaging.Inbox;
using Tessera.Orders.Contracts;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;
using Tessera.Web.Operations;

namespace Tessera.Web.Tests;

/// <summary>
/// The operations console against the real inventory service (issue 17, point 4): a parked message is listed and
/// replayed or discarded from the page, a broken invariant raises one alert with its offending record and one webhook
/// call however many rounds of checks follow, and only operators reach the console.
/// </summary>
public sealed class OperationsConsoleTests(ConsoleFactory factory) : IClassFixture<ConsoleFactory>
{
    private const string Tenant = "demo";
    private readonly PageSessions _people = new(factory, ConsoleFactory.AdminPassword);

    [Fact]
    public async Task A_parked_message_is_listed_on_the_console_and_replayed_from_it_once_its_cause_is_gone()
    {
        var (sku, warehouse) = await StockAsync(10m);
        // Reservations cannot be written for now (a full disk, a lock held by hand): the handler fails until it is fixed.
        var trigger = "block_" + Guid.NewGuid().ToString("N")[..8];
        await factory.Inventory.ExecuteAsync(TestProfile.Scale
            ? $"CREATE FUNCTION {trigger}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'reservations are blocked'; END $$; " +
              $"CREATE TRIGGER {trigger} BEFORE INSERT ON reservations FOR EACH ROW EXECUTE FUNCTION {trigger}()"
            : $"CREATE TRIGGER {trigger} BEFORE INSERT ON reservations BEGIN SELECT RAISE(ABORT, 'reservations are blocked'); END");
        var orderId = Guid.CreateVersion7();
        var messageId = await factory.Inventory.DeliverAsync("orders", Tenant, orderId.ToString(),
            new OrderPlaced(orderId, 4201, "web", [new OrderedLine(1, sku, 2m)], DateTimeOffset.UtcNow, warehouse));
        await Poll.UntilAsync(() => InboxAsync(messageId), m => m?.Status == InboxStatus.Parked, "the order to be parked by inventory");
        var operatorBrowser = await _people.SignedInAsync();

        // The message's replay button, not just its id: the id also shows among the recent errors, which are read live,
        // a moment before the round that lists parked messages has run.
        var listed = await Poll.UntilAsync(() => operatorBrowser.GetStringAsync("/operations"), html => html.Contains($"&amp;id={messageId}"),
            "the console to list the parked message");

        listed.ShouldContain("data-testid=\"parked-inventory\"");
        listed.ShouldContain($"id={messageId}");
        listed.ShouldContain("reservations are blocked");
        await factory.Inventory.ExecuteAsync(TestProfile.Scale ? $"DROP TRIGGER {trigger} ON reservations; DROP FUNCTION {trigger}()" : $"DROP TRIGGER {trigger}");
        var card = await PostAsync(operatorBrowser, $"/operations?handler=Replay&service=inventory&tenant={Tenant}&id={messageId}");

        card.StatusCode.ShouldBe(HttpStatusCode.OK);
        var handled = await Poll.UntilAsync(() => InboxAsync(messageId), m => m?.Status == InboxStatus.Processed, "the replayed message to be handled");
        handled!.Status.ShouldBe(InboxStatus.Processed);
        (await factory.Inventory.QueryAsync(Tenant, db => db.Reservations.CountAsync(r => r.OrderId == orderId))).ShouldBe(1);
        var after = await factory.WebQueryAsync(db => ConsoleRound.SnapshotsAsync(db, CancellationToken.None));
        after["inventory"].Parked.ShouldNotContain(p => p.Id == messageId);
        (await card.Content.ReadAsStringAsync()).ShouldNotContain($"id={messageId}");
    }

    [Fact]
    public async Task A_parked_message_discarded_from_the_console_is_gone_and_its_alert_clears()
    {
        var orderId = Guid.CreateVersion7();
        // A poison message: a payload without the lines every OrderPlaced has.
        var messageId = Guid.CreateVersion7();
        var envelope = new EventEnvelope(messageId, "OrderPlaced", 1, Tenant, DateTimeOffset.UtcNow, "orders", orderId.ToString(), Guid.CreateVersion7(), null, null,
            JsonSerializer.SerializeToElement(new { orderId, number = 4202, channel = "web" }, TesseraJson.Options), 0);
        await factory.Inventory.Services.GetRequiredService<IInboxSink>().StageAsync("orders", [envelope], null, CancellationToken.None);
        await Poll.UntilAsync(() => InboxAsync(messageId), m => m?.Status == InboxStatus.Parked, "the poison message to be parked");
        var operatorBrowser = await _people.SignedInAsync();
        await Poll.UntilAsync(() => operatorBrowser.GetStringAsync("/operations?handler=Live"), html => html.Contains(messageId.ToString()),
            "the console to list the poison message");
        await Poll.UntilAsync(() => factory.WebQueryAsync(db => db.Alerts.AnyAsync(a => a.Key == $"parked:inventory:{Tenant}" && a.ClearedAt == null)), open => open,
            "an alert for the parked message");

        var card = await PostAsync(operatorBrowser, $"/operations?handler=Discard&service=inventory&tenant={Tenant}&id={messageId}");

        card.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await card.Content.ReadAsStringAsync()).ShouldNotContain($"id={messageId}");
        (await InboxAsync(messageId))!.Status.ShouldBe(InboxStatus.Discarded);
        await Poll.UntilAsync(() => factory.WebQueryAsync(db => db.Alerts.AnyAsync(a => a.Key == $"parked:inventory:{Tenant}" && a.ClearedAt == null)),
            open => !open, "the parked message's alert to clear once nothing is parked");
    }

    [Fact]
    public async Task A_broken_invariant_raises_one_alert_with_the_offending_record_and_calls_the_webhook_once_however_often_and_wherever_the_checks_run()
    {
        // A second instance of the front-end on the same database tries for the console's lease every round as well; the
        // first holds it, renewing it every round, so the second runs no checks (ADR 0029).
        await Poll.UntilAsync(factory.LeaseHolderAsync, holder => holder == factory.Holder, "the first instance to hold the console's lease");
        await using var second = factory.SecondInstance();
        _ = second.Services;
        var (sku, warehouse) = await StockAsync(10m);
        var key = $"invariant:inventory:{Tenant}:I1";
        await Poll.UntilAsync(() => LatestI1Async(), run => run is { Holds: true }, "a run of I1 that holds");

        // Someone edits the database by hand: on hand no longer equals the ledger.
        await factory.Inventory.ExecuteAsync("UPDATE stock_levels SET on_hand = '15' WHERE sku = {0} AND warehouse = {1}", sku, warehouse);

        var alert = await Poll.UntilAsync(() => factory.WebQueryAsync(db => db.Alerts.AsNoTracking().FirstOrDefaultAsync(a => a.Key == key && a.ClearedAt == null)),
            a => a?.RaiseSentAt is not null, "the I1 alert to be raised and sent");
        // Inventory writes the ledger's sum with the scale its engine returns: 10.0 from SQLite, 10 from PostgreSQL.
        alert!.Record.ShouldBe($"{sku}@{warehouse} — on hand 15 but the ledger sums to {(TestProfile.Scale ? "10" : "10.0")}");
        // Several more rounds of checks find I1 still broken.
        var runsAtRaise = await RunsOfI1Async();
        await Poll.UntilAsync(RunsOfI1Async, runs => runs >= runsAtRaise + 3, "three more runs of I1");
        var browser = await _people.SignedInAsync();
        var page = await browser.GetStringAsync("/operations");

        factory.Webhook.For(AlertKinds.Invariant, AlertWebhook.Raised).Count(c => c.GetProperty("record").GetString()!.StartsWith($"{sku}@{warehouse}")).ShouldBe(1);
        var call = factory.Webhook.For(AlertKinds.Invariant, AlertWebhook.Raised).Single(c => c.GetProperty("id").GetInt64() == alert.Id);
        call.GetProperty("subject").GetString().ShouldBe($"I1 · inventory · {Tenant}");
        call.GetProperty("record").GetString().ShouldBe(alert.Record);
        page.ShouldContain("data-testid=\"alert-invariant\"");
        page.ShouldContain(alert.Record!);
        (await factory.WebQueryAsync(db => db.Alerts.CountAsync(a => a.Key == key))).ShouldBe(1);
        (await factory.LeaseHolderAsync()).ShouldBe(factory.Holder);

        // Put right, the alert clears, and the webhook hears that once too.
        await factory.Inventory.ExecuteAsync("UPDATE stock_levels SET on_hand = '10' WHERE sku = {0} AND warehouse = {1}", sku, warehouse);
        await Poll.UntilAsync(() => Task.FromResult(factory.Webhook.For(AlertKinds.Invariant, AlertWebhook.Cleared).Count(c => c.GetProperty("id").GetInt64() == alert.Id)),
            n => n == 1, "the clearing to be sent");
        await Poll.UntilAsync(RunsOfI1Async, runs => runs >= runsAtRaise + 6, "more runs of I1");
        factory.Webhook.For(AlertKinds.Invariant, AlertWebhook.Cleared).Count(c => c.GetProperty("id").GetInt64() == alert.Id).ShouldBe(1);
        factory.Webhook.For(AlertKinds.Invariant, AlertWebhook.Raised).Count(c => c.GetProperty("id").GetInt64() == alert.Id).ShouldBe(1);
        (await factory.LeaseHolderAsync()).ShouldBe(factory.Holder);
    }

    [Fact]
    public async Task The_console_shows_each_instance_with_its_version_and_uptime_and_the_invariants_history()
    {
        var browser = await _people.SignedInAsync();

        var page = await Poll.UntilAsync(() => browser.GetStringAsync("/operations"),
            html => html.Contains("data-testid=\"instances-inventory\"") && html.Contains("data-testid=\"invariant-inventory-I1\""), "the console to have checked inventory");

        var snapshot = (await factory.WebQueryAsync(db => ConsoleRound.SnapshotsAsync(db, CancellationToken.None)))["inventory"];
        var instance = snapshot.Instances.Single();
        instance.Ready.ShouldBeTrue();
        instance.Version.ShouldNotBeNullOrEmpty();
        instance.UptimeSeconds.ShouldNotBeNull();
        page.ShouldContain(instance.Version!);
        (await factory.WebQueryAsync(db => ConsoleRound.SnapshotsAsync(db, CancellationToken.None)))["catalog"].Ready.ShouldBeFalse();
        page.ShouldContain("data-testid=\"invariant-messaging-I10\"");
    }

    [Theory]
    [InlineData("sales")]
    [InlineData("admin")]
    [InlineData("viewer")]
    public async Task Only_operators_reach_the_console(string role)
    {
        var someone = await _people.UserAsync(role);

        var page = await someone.GetAsync("/operations");
        var replay = await someone.PostAsync($"/operations?handler=Replay&service=inventory&tenant={Tenant}&id={Guid.NewGuid()}",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = PageSessions.Token(await someone.GetStringAsync("/")) }));

        page.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        page.Headers.Location!.ToString().ShouldContain("/denied");
        replay.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        replay.Headers.Location!.ToString().ShouldContain("/denied");
        (await someone.GetStringAsync("/")).ShouldNotContain("href=\"/operations\"");
    }

    private async Task<(string Sku, string Warehouse)> StockAsync(decimal quantity)
    {
        var sku = factory.Inventory.Catalog.Add("Green tea");
        var warehouse = "WH" + Guid.NewGuid().ToString("N")[..6].ToUpperInvariant();
        var api = factory.Inventory.Caller(Tenant, "admin");
        (await api.PostJsonAsync("/api/inventory/warehouses", new { code = warehouse, name = "Warehouse " + warehouse })).EnsureSuccessStatusCode();
        (await api.PostJsonAsync("/api/inventory/receipts", new { warehouse, lines = new[] { new { sku, quantity, unitCost = 80000m } } })).EnsureSuccessStatusCode();
        return (sku, warehouse);
    }

    private Task<InboxMessage?> InboxAsync(Guid id) =>
        factory.Inventory.QueryAsync(null, db => db.Set<InboxMessage>().AsNoTracking().FirstOrDefaultAsync(m => m.MessageId == id));

    private Task<InvariantRunRecord?> LatestI1Async() =>
        factory.WebQueryAsync(db => db.InvariantRuns.AsNoTracking().Where(r => r.Service == "inventory" && r.Invariant == "I1").OrderByDescending(r => r.Id).FirstOrDefaultAsync());

    private Task<int> RunsOfI1Async() => factory.WebQueryAsync(db => db.InvariantRuns.CountAsync(r => r.Service == "inventory" && r.Invariant == "I1"));

    private static async Task<HttpResponseMessage> PostAsync(HttpClient browser, string url)
    {
        var token = PageSessions.Token(await browser.GetStringAsync("/operations"));
        var request = new HttpRequestMessage(HttpMethod.Post, url);
        request.Headers.Add("RequestVerificationToken", token);
        request.Headers.Add("HX-Request", "true");
        return await browser.SendAsync(request);
    }
}
