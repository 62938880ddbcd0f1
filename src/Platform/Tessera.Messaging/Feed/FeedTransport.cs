using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tessera.Messaging.Handling;
using Tessera.Messaging.Inbox;
using Tessera.Messaging.Outbox;
using Tessera.Messaging.Transport;
using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Errors;
using Tessera.ServiceDefaults.Hosting;
using Tessera.ServiceDefaults.Json;
using Tessera.ServiceDefaults.Security;

namespace Tessera.Messaging.Feed;

/// <summary>One page of a producer's feed. <see cref="Next"/> is the checkpoint to send next; <see cref="Head"/> the newest position.</summary>
public sealed record FeedPage(IReadOnlyList<EventEnvelope> Events, long Next, long Head);

/// <summary>
/// The zero-infrastructure transport (docs/adr/0001): each producer serves its outbox as an ordered, paged,
/// authenticated feed with long-poll; each subscriber pulls it and keeps its checkpoint in its own database.
/// </summary>
internal sealed class FeedTransport<TContext>(
    FeedClient feed,
    SubscriptionMonitor monitor,
    IOptions<MessagingOptions> options,
    TimeProvider clock,
    ILogger<FeedTransport<TContext>> logger) : IMessageTransport
    where TContext : ServiceDbContext
{
    public string Name => MessagingOptions.FeedTransportName;

    public Task RunProducerAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void MapProducerEndpoints(IEndpointRouteBuilder endpoints) => FeedEndpoint.Map(endpoints);

    public async Task RunConsumerAsync(string producer, IInboxSink sink, CancellationToken cancellationToken)
    {
        var backoff = new ReconnectBackoff(logger, clock, $"Reading the {producer} feed");
        long? checkpoint = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                checkpoint ??= await sink.GetCheckpointAsync(producer, cancellationToken);
                var page = await feed.FetchAsync(producer, checkpoint.Value, options.Value.LongPollWait, cancellationToken);
                if (page.Events.Count > 0)
                    await sink.StageAsync(producer, page.Events, page.Next, cancellationToken);
                checkpoint = page.Next;
                monitor.Succeeded(producer, page.Next, page.Head, clock.GetUtcNow());
                backoff.Succeeded();
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // The position is re-read from the database, so a page that failed half-way is fetched again and deduplicated.
                checkpoint = null;
                monitor.Failed(producer, ex.Message, clock.GetUtcNow());
                await backoff.FailedAsync(ex, cancellationToken);
            }
        }
    }
}

/// <summary>Reads one page of a producer's feed over HTTP, as this service (its service token).</summary>
internal sealed class FeedClient(
    IHttpClientFactory clients,
    ServiceTokenProvider tokens,
    SubscriptionRegistry registry,
    IOptions<MessagingOptions> options,
    IOptionsMonitor<TesseraOptions> tessera)
{
    public const string ClientName = "tessera-feed";

    /// <summary>Events after <paramref name="after"/>; when there are none yet, the producer waits up to <paramref name="longPoll"/> for some.</summary>
    public async Task<FeedPage> FetchAsync(string producer, long after, TimeSpan longPoll, CancellationToken cancellationToken)
    {
        var client = clients.CreateClient(ClientName);
        var wait = (int)Math.Ceiling(longPoll.TotalSeconds);
        client.Timeout = TimeSpan.FromSeconds(wait + 15);
        // Only the types this service handles: the producer skips the rest without sending them (a producer that does
        // not know the parameter sends everything, and the inbox drops what it does not handle).
        var types = Uri.EscapeDataString(string.Join(',', registry.TypesFrom(producer)));
        var uri = new Uri(tessera.CurrentValue.ServiceUri(producer), $"/events?after={after}&limit={options.Value.FeedPageSize}&wait={wait}&types={types}");
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.GetToken());
        using var response = await client.SendAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"{producer} answered {(int)response.StatusCode} {response.ReasonPhrase}", null, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<FeedPage>(TesseraJson.Options, cancellationToken)
               ?? throw new InvalidOperationException($"{producer} answered an empty feed page.");
    }
}

/// <summary>A page of outbox rows and the position it was read up to.</summary>
internal sealed record OutboxPage(List<OutboxMessage> Rows, long Next, long Head);

/// <summary>GET /events: the producer side of the feed.</summary>
internal static class FeedEndpoint
{
    /// <summary>The most event types a subscriber may name; more is a mistake, not a subscription.</summary>
    private const int MaxTypes = 200;

    /// <summary>
    /// When only events of other types came after the subscriber's position, it hears within this time that it may move
    /// past them (its lag on the operations page goes back to zero), and not more often than this while they trickle in.
    /// </summary>
    private static readonly TimeSpan SkippedWait = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Served whatever the transport: it is the feed transport itself, and with a broker it is where a new subscriber
    /// backfills the events published before its queue existed (ADR 0032).
    /// </summary>
    public static void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/events", ReadFeed)
            .RequireAuthorization(p => p.RequireRole(Roles.Service))
            .DisableRequestTimeout()
            .WithName("ReadEventFeed")
            .WithSummary("This service's integration events after a position, oldest first, only of the comma-separated 'types' when " +
                         "given; waits up to 'wait' seconds for new ones.");

    public static async Task<IResult> ReadFeed(
        long? after, int? limit, int? wait, string? types,
        ServiceDbContext db, OutboxSignal signal, IOptions<MessagingOptions> options, IOptions<TesseraOptions> tessera,
        IHostApplicationLifetime lifetime, TimeProvider clock, FeedReaders readers, System.Security.Claims.ClaimsPrincipal user,
        CancellationToken cancellationToken)
    {
        var from = Math.Max(0, after ?? 0);
        if (user.FindFirst(TesseraClaims.Subject)?.Value is { } subject)
            readers.Read(subject.StartsWith("svc:", StringComparison.Ordinal) ? subject[4..] : subject, from, clock.GetUtcNow());
        var take = Math.Clamp(limit ?? options.Value.FeedPageSize, 1, 1000);
        var deadline = clock.GetUtcNow() + TimeSpan.FromSeconds(Math.Clamp(wait ?? 0, 0, 60));
        var wanted = ParseTypes(types);
        if (wanted is { Count: > MaxTypes })
            return Problems.Validation("types", $"At most {MaxTypes} event types may be named; {wanted.Count} were.");
        var producer = tessera.Value.ServiceName;

        var skipping = false;
        while (true)
        {
            // Until rows of other types are seen, any commit wakes the poll (once) so that it can tell the subscriber
            // within a second that it may move past them; from then on only the types it asked for wake it.
            var next = skipping ? signal.Next(wanted) : signal.Committed.Next;
            var page = await ReadPageAsync(db, from, take, wanted, cancellationToken);
            var now = clock.GetUtcNow();
            if (page.Rows.Count > 0 || now >= deadline || page.Next - from >= take)
                return TypedResults.Ok(new FeedPage(page.Rows.Select(r => ToEnvelope(r, producer)).ToList(), page.Next, page.Head));
            if (page.Next > from)
            {
                skipping = true;
                if (now + SkippedWait < deadline)
                    deadline = now + SkippedWait;
            }
            try
            {
                // A waiting long-poll ends as soon as shutdown starts (answering an empty page), so it never delays a graceful stop.
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
                await Signal.WaitAsync(next, deadline - now, clock, linked.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                deadline = clock.GetUtcNow();
            }
            catch (OperationCanceledException)
            {
                return TypedResults.Empty;
            }
        }
    }

    /// <summary>
    /// Up to <paramref name="take"/> rows after <paramref name="after"/>, oldest first — only of <paramref name="types"/>
    /// when given — and the position to read from next: the last row's when the page is full, otherwise the head, read
    /// before the rows. Every position up to a head that can be seen is committed (one writer per database, ADR 0002,
    /// and positions are given inside the write), so rows of other types up to it are passed over for good.
    /// </summary>
    /// <remarks>
    /// Every subscriber's every poll runs these, so they are compiled once (the LINQ pipeline — building the expression,
    /// finding its cached plan — cost several times the SQL itself: about a sixth of a producer's CPU under load).
    /// </remarks>
    internal static async Task<OutboxPage> ReadPageAsync(
        ServiceDbContext db, long after, int take, IReadOnlyCollection<string>? types, CancellationToken cancellationToken)
    {
        var head = await HeadQuery(db, cancellationToken) ?? after;
        var rows = new List<OutboxMessage>(Math.Min(take, 64));
        var query = types is { Count: > 0 } ? PageOfTypesQuery(db, after, head, types.ToArray(), take) : PageQuery(db, after, head, take);
        await foreach (var row in query.WithCancellation(cancellationToken))
            rows.Add(row);
        return new OutboxPage(rows, rows.Count == take ? rows[^1].Position : Math.Max(after, head), head);
    }

    private static readonly Func<ServiceDbContext, CancellationToken, Task<long?>> HeadQuery =
        EF.CompileAsyncQuery((ServiceDbContext db, CancellationToken _) => db.Set<OutboxMessage>().Max(m => (long?)m.Position));

    private static readonly Func<ServiceDbContext, long, long, int, IAsyncEnumerable<OutboxMessage>> PageQuery =
        EF.CompileAsyncQuery((ServiceDbContext db, long after, long head, int take) =>
            db.Set<OutboxMessage>().AsNoTracking().Where(m => m.Position > after && m.Position <= head).OrderBy(m => m.Position).Take(take));

    private static readonly Func<ServiceDbContext, long, long, string[], int, IAsyncEnumerable<OutboxMessage>> PageOfTypesQuery =
        EF.CompileAsyncQuery((ServiceDbContext db, long after, long head, string[] types, int take) =>
            db.Set<OutboxMessage>().AsNoTracking().Where(m => m.Position > after && m.Position <= head && types.Contains(m.Type))
                .OrderBy(m => m.Position).Take(take));

    private static List<string>? ParseTypes(string? types) =>
        string.IsNullOrWhiteSpace(types)
            ? null
            : types.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToList();

    internal static EventEnvelope ToEnvelope(OutboxMessage row, string producer)
    {
        using var payload = System.Text.Json.JsonDocument.Parse(row.Payload);
        return new EventEnvelope(row.MessageId, row.Type, row.Version, row.Tenant, row.OccurredAt, producer, row.AggregateId,
            row.CorrelationId, row.CausationId, row.TraceParent, payload.RootElement.Clone(), row.Position);
    }
}
