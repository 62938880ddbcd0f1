using System.Collections.Concurrent;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Messaging.Handling;
using Tessera.Messaging.Inbox;
using Tessera.Messaging.Outbox;
using Tessera.ServiceDefaults;
using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Tenancy;
using Tessera.Testing;

namespace Tessera.Messaging.Tests.Conformance;

public sealed record TestEvent(string AggregateId, int Sequence);

/// <summary>An event the consumer has no handler for.</summary>
public sealed record OtherEvent(string AggregateId);

public sealed class Effect : ITenantOwned
{
    public long Id { get; set; }
    public string TenantId { get; set; } = "";
    public Guid MessageId { get; set; }
    public string AggregateId { get; set; } = "";
    public int Sequence { get; set; }
}

public sealed class TestDbContext(DbContextOptions<TestDbContext> options, ITenantContext tenant, WriteGate gate)
    : ServiceDbContext(options, tenant, gate)
{
    protected override void ConfigureModel(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyMessagingModel();
        modelBuilder.Entity<Effect>(e =>
        {
            e.ToTable("effects");
            e.HasKey(x => x.Id);
        });
    }
}

/// <summary>Which aggregates the consumer's handler fails for, and when each attempt happened.</summary>
public sealed class FaultPlan
{
    public ConcurrentDictionary<string, bool> Failing { get; } = new();
    public ConcurrentQueue<(string Aggregate, int Sequence, DateTimeOffset At)> Attempts { get; } = new();
}

public sealed class RecordEffect(TestDbContext db, FaultPlan faults) : IEventHandler<TestEvent>
{
    public Task HandleAsync(TestEvent message, MessageContext context, CancellationToken cancellationToken)
    {
        faults.Attempts.Enqueue((message.AggregateId, message.Sequence, DateTimeOffset.UtcNow));
        db.Add(new Effect { MessageId = context.MessageId, AggregateId = message.AggregateId, Sequence = message.Sequence });
        // A handler that fails after doing part of its work: that part must be rolled back with it.
        if (faults.Failing.ContainsKey(message.AggregateId))
            return FailAfterSavingAsync(message, cancellationToken);
        return Task.CompletedTask;
    }

    private async Task FailAfterSavingAsync(TestEvent message, CancellationToken cancellationToken)
    {
        await db.SaveChangesAsync(cancellationToken);
        throw new InvalidOperationException($"Simulated failure for {message.AggregateId}/{message.Sequence}");
    }
}

/// <summary>Takes every event of a producer, whatever its type, as a raw envelope (how reporting fills its ODS).</summary>
public sealed class RecordEnvelope(TestDbContext db) : IEventHandler<EventEnvelope>
{
    public Task HandleAsync(EventEnvelope message, MessageContext context, CancellationToken cancellationToken)
    {
        db.Add(new Effect
        {
            MessageId = message.Id,
            AggregateId = message.Type + ":" + message.AggregateId,
            Sequence = message.Payload.TryGetProperty("sequence", out var sequence) ? sequence.GetInt32() : -1,
        });
        return Task.CompletedTask;
    }
}

/// <summary>A real service process in miniature: Kestrel on loopback, its own SQLite file, the platform and messaging.</summary>
public sealed class TestNode : IAsyncDisposable
{
    private TestNode(string name, WebApplication app, Uri url, string dataDir)
    {
        Name = name;
        App = app;
        Url = url;
        DataDir = dataDir;
    }

    public string Name { get; }
    public WebApplication App { get; }
    public Uri Url { get; }
    public string DataDir { get; }

    public static async Task<TestNode> StartAsync(
        string name, string dataDir, int port, IDictionary<string, string?> settings, FaultPlan faults, string? subscribeTo, bool everyEvent = false)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production", ContentRootPath = dataDir });
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Tessera:DataDir"] = dataDir,
            ["Tessera:Messaging:MaxAttempts"] = "3",
            ["Tessera:Messaging:RetryBaseDelay"] = "00:00:00.100",
            ["Tessera:Messaging:LongPollWait"] = "00:00:02",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        builder.Configuration.AddInMemoryCollection(TestProfile.NodeDatabase(dataDir, name));
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddServiceDefaults(name);
        builder.AddServiceDatabase<TestDbContext>(m => m.Add("test", typeof(TestDbContext).Assembly));
        builder.AddMessaging<TestDbContext>(m =>
        {
            if (subscribeTo is not null && everyEvent)
                m.Subscribe(subscribeTo, s => s.HandleEvery<RecordEnvelope>());
            else if (subscribeTo is not null)
                m.Subscribe(subscribeTo, s => s.Handle<TestEvent, RecordEffect>());
        });
        builder.Services.AddSingleton(faults);

        var app = builder.Build();
        app.UseServiceDefaults();
        app.MapDefaultEndpoints();
        app.MapMessaging<TestDbContext>("/api/" + name);
        await app.MigrateDatabaseAsync<TestDbContext>();
        await app.StartAsync();
        return new TestNode(name, app, new Uri($"http://127.0.0.1:{port}"), dataDir);
    }

    public Task<Guid> PublishAsync(string tenant, string aggregate, int sequence) => PublishAsync(tenant, aggregate, new TestEvent(aggregate, sequence));

    /// <summary>Publishes an event of a type the consumer does not handle.</summary>
    public Task<Guid> PublishOtherAsync(string tenant, string aggregate) => PublishAsync(tenant, aggregate, new OtherEvent(aggregate));

    private async Task<Guid> PublishAsync<TEvent>(string tenant, string aggregate, TEvent @event) where TEvent : class
    {
        await using var scope = App.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenant);
        var db = scope.ServiceProvider.GetRequiredService<TestDbContext>();
        var outbox = scope.ServiceProvider.GetRequiredService<IOutbox>();
        outbox.Publish(@event, aggregate);
        var message = db.ChangeTracker.Entries<OutboxMessage>().Single().Entity;
        await db.SaveChangesAsync();
        return message.MessageId;
    }

    /// <summary>Publishes an event written with <see cref="ServiceDbContext.InsertAddedInBulk"/>, as the order import does.</summary>
    public async Task<Guid> PublishInBulkAsync(string tenant, string aggregate, int sequence)
    {
        await using var scope = App.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenant);
        var db = scope.ServiceProvider.GetRequiredService<TestDbContext>();
        await using var transaction = await db.BeginWriteAsync();
        scope.ServiceProvider.GetRequiredService<IOutbox>().Publish(new TestEvent(aggregate, sequence), aggregate);
        var message = db.ChangeTracker.Entries<OutboxMessage>().Single().Entity;
        db.InsertAddedInBulk();
        await transaction.CommitAsync();
        return message.MessageId;
    }

    public async Task<List<Effect>> EffectsAsync()
    {
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TestDbContext>();
        return await db.Set<Effect>().IgnoreQueryFilters().OrderBy(e => e.Id).ToListAsync();
    }

    public async Task<InboxMessage?> InboxAsync(Guid messageId)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TestDbContext>();
        return await db.Set<InboxMessage>().AsNoTracking().FirstOrDefaultAsync(m => m.MessageId == messageId);
    }

    public async Task<long> CheckpointAsync(string producer)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TestDbContext>();
        return await db.Set<SubscriberCheckpoint>().Where(c => c.Producer == producer).Select(c => c.Position).FirstOrDefaultAsync();
    }

    /// <summary>Outbox rows a broker relay has not had confirmed yet.</summary>
    public async Task<int> UndispatchedAsync()
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<TestDbContext>().Set<OutboxMessage>().CountAsync(m => m.DispatchedAt == null);
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TestDbContext>();
        await using var tx = await db.BeginWriteAsync();
        await db.Database.ExecuteSqlRawAsync(sql);
        await tx.CommitAsync();
    }

    public HttpClient ClientFor(string tenant, params string[] roles)
    {
        var client = new HttpClient { BaseAddress = Url };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestTokens.Internal(DataDir, tenant, "operator", roles));
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
