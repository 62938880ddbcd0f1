using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Tessera.Logistics.Contracts;
using Tessera.Messaging.Inbox;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;

namespace Tessera.Logistics.Tests;

/// <summary>Logistics on a data folder that outlives it: stopped with work half done, started again on the same files.</summary>
public sealed class RestartableLogisticsFactory(string dataDir) : LogisticsFactoryBase
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings) { ["Tessera:DataDir"] = dataDir };
}

public sealed class RestartTests
{
    [Fact]
    public async Task Requests_staged_before_a_stop_are_handled_once_after_the_restart_and_I3_holds()
    {
        using var data = new TempDirectory("tessera-logistics-restart");
        const string tenant = "restart";
        var orders = Enumerable.Range(1, 40).Select(_ => Guid.CreateVersion7()).ToList();

        // First life: a burst of requests (each delivered twice, as a producer retrying would), stopped at once, however far it got.
        await using (var first = new RestartableLogisticsFactory(data.Path))
        {
            foreach (var orderId in orders)
            {
                var request = Logistics.Request(orderId, Guid.CreateVersion7(), ("HCM", [("TEA-1", 1m)]), ("HN", [("TEA-1", 2m)]));
                await first.DeliverAsync("orders", tenant, orderId.ToString(), request);
                await first.DeliverAsync("orders", tenant, orderId.ToString(), request);
            }
        }

        // Second life on the same files: whatever was left is handled, nothing twice.
        await using var second = new RestartableLogisticsFactory(data.Path);
        await Poll.UntilAsync(() => second.QueryAsync(null, db => db.Set<InboxMessage>().CountAsync(m => m.Status == InboxStatus.Pending)),
            pending => pending == 0, "the inbox to drain after the restart");
        // Tokens are signed with the key of the service's data folder, which here is not the factory's own.
        var admin = second.CreateClient();
        admin.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", TestTokens.Internal(data.Path, tenant));

        var shipments = await admin.GetFromJsonAsync<PagedResult<ShipmentSummaryDto>>("/api/logistics/shipments?pageSize=500", TesseraJson.Options);
        shipments!.Total.ShouldBe(orders.Count * 2);
        shipments.Items.GroupBy(s => s.OrderId).ShouldAllBe(g => g.Count() == 2);
        shipments.Items.Select(s => s.Number).Distinct().Count().ShouldBe(orders.Count * 2);
        (await second.PublishedAsync<ShipmentCreated>()).Count.ShouldBe(orders.Count * 2);
        var report = await admin.GetFromJsonAsync<ConsistencyReportDto>("/api/logistics/consistency", TesseraJson.Options);
        report!.Holds.ShouldBeTrue();
    }
}
