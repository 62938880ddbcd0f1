using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Messaging;
using Tessera.Messaging.Inbox;
using Tessera.Reporting.Contracts;
using Tessera.Reporting.Data;
using Tessera.Reporting.Reconciliation;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;

namespace Tessera.Reporting.Tests;

/// <summary>
/// Reporting in-process against real files (reporting.db and one DuckDB file per tenant) in a temp folder; the orders
/// and inventory services it reconciles with are answered by <see cref="Sources"/>, which knows what the test shops did.
/// Events are handed to the inbox as the feed would, with the moment each happened.
/// </summary>
public class ReportingFactory : ServiceFactory<Program, ReportingDbContext>
{
    public SourcesStub Sources { get; } = new();

    protected virtual TimeSpan TenantModelTimeout => TimeSpan.FromSeconds(4);

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Tessera:Services:orders"] = "http://orders.test",
        ["Tessera:Services:inventory"] = "http://inventory.test",
        ["Tessera:Reporting:SchedulerEnabled"] = "false",
        ["Tessera:Reporting:RetryBaseDelay"] = "00:00:00.400",
        ["Tessera:Reporting:MaxAttempts"] = "3",
        ["Tessera:Reporting:TenantModelTimeout"] = TenantModelTimeout.ToString(),
        ["Tessera:Reporting:MemoryLimit"] = "512MB",
        ["Tessera:Reporting:DefaultTimeZone"] = "Asia/Ho_Chi_Minh",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services =>
        {
            services.AddHttpClient<OrdersFigures>().ConfigurePrimaryHttpMessageHandler(() => Sources.OrdersHandler);
            services.AddHttpClient<InventoryFigures>().ConfigurePrimaryHttpMessageHandler(() => Sources.InventoryHandler);
        });
    }

    /// <summary>Stages an event as the feed would: its own id, producer, aggregate and the moment it happened.</summary>
    public async Task<Guid> PublishAsync<TEvent>(string producer, string tenant, string aggregateId, TEvent @event, DateTimeOffset at, Guid? id = null)
        where TEvent : class
    {
        var (type, version) = EventTypes.Of(typeof(TEvent));
        var envelope = new EventEnvelope(id ?? Guid.CreateVersion7(), type, version, tenant, at, producer, aggregateId, Guid.CreateVersion7(), null, null,
            JsonSerializer.SerializeToElement(@event, TesseraJson.Options), 0);
        await Services.GetRequiredService<IInboxSink>().StageAsync(producer, [envelope], null, CancellationToken.None);
        return envelope.Id;
    }

    /// <summary>Waits until every staged event is handled and moved into its tenant's ODS.</summary>
    public Task WaitForOdsAsync() =>
        Poll.UntilAsync(() => QueryAsync(null, async db =>
                await db.Set<InboxMessage>().AnyAsync(m => m.Status == InboxStatus.Pending) || await db.StagedEvents.AnyAsync()),
            busy => !busy, "the inbox and the staging table to drain into the ODS", TimeSpan.FromSeconds(60));

    public async Task<RunDto> RunAsync(HttpClient client, object request, TimeSpan? timeout = null)
    {
        var response = await client.PostJsonAsync("/api/reporting/runs", request);
        response.StatusCode.ShouldBe(System.Net.HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var run = await response.ReadAsync<RunDto>();
        return await FinishedAsync(client, run.Id, timeout);
    }

    public static Task<RunDto> FinishedAsync(HttpClient client, Guid id, TimeSpan? timeout = null) =>
        Poll.UntilAsync(async () => (await client.GetFromJsonAsync<RunDto>($"/api/reporting/runs/{id}", TesseraJson.Options))!,
            r => r.Status is "Succeeded" or "Failed", $"run {id} to finish", timeout ?? TimeSpan.FromSeconds(120));
}
