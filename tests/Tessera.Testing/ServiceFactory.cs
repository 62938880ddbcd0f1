using Shouldly;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Messaging;
using Tessera.Messaging.Inbox;
using Tessera.Messaging.Outbox;
using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Hosting;
using Tessera.ServiceDefaults.Json;
using Tessera.ServiceDefaults.Security;
using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.Testing;

/// <summary>
/// One service in-process against a real SQLite file in a temp folder. Subscriptions are off: tests hand events to the
/// service's inbox as a transport would, and the real processor and handlers run them.
/// </summary>
public class ServiceFactory<TProgram, TContext> : WebApplicationFactory<TProgram>
    where TProgram : class
    where TContext : ServiceDbContext
{
    private readonly TempDirectory? _data;

    public ServiceFactory()
    {
        _data = new TempDirectory("tessera-service");
        DataDir = _data.Path;
    }

    /// <summary>A second process of the service on the data folder (and database) of another one, which owns the folder.</summary>
    protected ServiceFactory(string sharedDataDir) => DataDir = sharedDataDir;

    public string DataDir { get; }

    protected virtual IDictionary<string, string?> Settings => new Dictionary<string, string?>();

    /// <summary>Services this installation does not have at all (not configured), rather than stopped.</summary>
    protected virtual IReadOnlyList<string> AbsentServices => [];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("Tessera:DataDir", DataDir);
        builder.UseSetting("Tessera:Messaging:SubscriptionsEnabled", "false");
        // The web front-end's operations console asks every service on a schedule; its own tests turn it back on.
        builder.UseSetting("Tessera:Operations:Enabled", "false");
        builder.UseSetting("Tessera:Messaging:RetryBaseDelay", "00:00:00.050");
        builder.UseSetting("Tessera:Messaging:MaxAttempts", "3");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        // Services the test does not fake are refused for good: the gateway answers for them at once instead of holding
        // the call for a restart that never comes (the gateway's hold has its own tests).
        builder.UseSetting("Tessera:Gateway:HoldWhileUnavailable", "00:00:00");
        // Every other service is down unless a test puts something on its port: a component that needs a client of
        // a service the test does not fake gets one that is refused, as in a system where that service is stopped.
        foreach (var service in ServiceCatalog.Names.Except(AbsentServices))
            builder.UseSetting($"Tessera:Services:{service}", $"http://127.0.0.1:{Ports.Free()}");
        // The profile's database: a PostgreSQL database of its own in the scale profile, the same one for another
        // process on the same data folder (a second instance, or the service started again on a folder it outlived).
        var settings = Settings;
        var dataDir = settings.TryGetValue("Tessera:DataDir", out var own) && own is not null ? own : DataDir;
        foreach (var (key, value) in TestProfile.NodeDatabase(dataDir, typeof(TContext).Name))
            builder.UseSetting(key, value);
        foreach (var (key, value) in settings)
            builder.UseSetting(key, value);
    }

    public HttpClient ClientFor(string tenant, params string[] roles)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.Internal(DataDir, tenant, "tester", roles));
        return client;
    }

    /// <summary>
    /// Hands an event to the inbox as if <paramref name="producer"/> had published it (at <paramref name="occurredAt"/>,
    /// now by default); returns its message id.
    /// </summary>
    public async Task<Guid> DeliverAsync<TEvent>(string producer, string tenant, string aggregateId, TEvent @event, Guid? messageId = null,
        DateTimeOffset? occurredAt = null)
        where TEvent : class
    {
        var (type, version) = EventTypes.Of(typeof(TEvent));
        var id = messageId ?? Guid.CreateVersion7();
        var envelope = new EventEnvelope(id, type, version, tenant, occurredAt ?? DateTimeOffset.UtcNow, producer, aggregateId, Guid.CreateVersion7(), null, null,
            JsonSerializer.SerializeToElement(@event, TesseraJson.Options), 0);
        await Services.GetRequiredService<IInboxSink>().StageAsync(producer, [envelope], null, CancellationToken.None);
        return id;
    }

    /// <summary>Waits until the inbox holds no message that is still to be handled.</summary>
    public Task WaitForInboxAsync() =>
        Poll.UntilAsync(() => QueryAsync(null, db => db.Set<InboxMessage>().AnyAsync(m => m.Status == InboxStatus.Pending)), busy => !busy,
            "the inbox to drain");

    public async Task<T> QueryAsync<T>(string? tenant, Func<TContext, Task<T>> query)
    {
        await using var scope = Services.CreateAsyncScope();
        if (tenant is not null)
            scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenant);
        return await query(scope.ServiceProvider.GetRequiredService<TContext>());
    }

    /// <summary>The events this service published, oldest first, deserialized as <typeparamref name="TEvent"/>.</summary>
    public Task<List<TEvent>> PublishedAsync<TEvent>() where TEvent : class =>
        QueryAsync(null, async db =>
        {
            var type = EventTypes.Of(typeof(TEvent)).Name;
            var rows = await db.Set<OutboxMessage>().Where(m => m.Type == type).OrderBy(m => m.Position).ToListAsync();
            return rows.Select(r => JsonSerializer.Deserialize<TEvent>(r.Payload, TesseraJson.Options)!).ToList();
        });

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
            _data?.Dispose();
    }
}

public static class HttpJson
{
    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string url, object body, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body, options: TesseraJson.Options) };
        if (idempotencyKey is not null)
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        return client.SendAsync(request);
    }

    public static async Task<T> ReadAsync<T>(this HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"{(int)response.StatusCode} {response.StatusCode}: {body}");
        return JsonSerializer.Deserialize<T>(body, TesseraJson.Options)!;
    }

    public static async Task<JsonElement> ProblemAsync(this HttpResponseMessage response)
    {
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    public static string[] ErrorFields(this JsonElement problem) =>
        problem.TryGetProperty("errors", out var errors) ? errors.EnumerateObject().Select(e => e.Name).ToArray() : [];
}
