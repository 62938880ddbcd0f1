using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tessera.ServiceDefaults.Json;

namespace Tessera.Messaging.Handling;

internal delegate Task HandlerInvoker(IServiceProvider services, object message, MessageContext context, CancellationToken cancellationToken);

internal sealed record EventRegistration(string Producer, string Type, int Version, Type EventType, List<HandlerInvoker> Handlers)
{
    public object Deserialize(JsonElement payload) =>
        EventType == typeof(JsonElement)
            ? payload
            : payload.Deserialize(EventType, TesseraJson.Options) ?? throw new JsonException($"The payload of {Type} v{Version} is empty.");
}

/// <summary>Which producers this service listens to and which handler runs for each of their event types.</summary>
public sealed class SubscriptionRegistry
{
    private readonly Dictionary<(string Producer, string Type, int Version), EventRegistration> _events = new();

    /// <summary>Handlers of every event of a producer, whatever its type or version, known or not yet written.</summary>
    private readonly Dictionary<string, List<HandlerInvoker>> _every = new(StringComparer.Ordinal);

    private readonly ConcurrentDictionary<(string Producer, string Type, int Version), EventRegistration> _combined = new();

    public IReadOnlyCollection<string> Producers => _events.Keys.Select(k => k.Producer).Concat(_every.Keys).Distinct().ToArray();

    /// <summary>
    /// The event types (any version) this service handles from <paramref name="producer"/>, in name order; empty when
    /// it takes every event of that producer (a feed asked for no particular type sends them all).
    /// </summary>
    internal IReadOnlyList<string> TypesFrom(string producer) =>
        _every.ContainsKey(producer)
            ? []
            : _events.Keys.Where(k => k.Producer == producer).Select(k => k.Type).Distinct().Order(StringComparer.Ordinal).ToList();

    internal bool Handles(string producer, string type, int version) => _every.ContainsKey(producer) || _events.ContainsKey((producer, type, version));

    internal EventRegistration? Find(string producer, string type, int version)
    {
        var typed = _events.GetValueOrDefault((producer, type, version));
        if (!_every.TryGetValue(producer, out var every))
            return typed;
        // Handlers of every event get the raw payload; a typed handler of the same event gets its record, so the
        // payload is deserialized for it and the raw handlers read the envelope from the context.
        return _combined.GetOrAdd((producer, type, version), _ => typed is null
            ? new EventRegistration(producer, type, version, typeof(JsonElement), every)
            : typed with { Handlers = [.. typed.Handlers, .. every] });
    }

    internal void Add<TEvent, THandler>(string producer)
        where TEvent : class
        where THandler : class, IEventHandler<TEvent>
    {
        var (type, version) = EventTypes.Of(typeof(TEvent));
        if (!_events.TryGetValue((producer, type, version), out var registration))
        {
            registration = new EventRegistration(producer, type, version, typeof(TEvent), []);
            _events[(producer, type, version)] = registration;
        }
        registration.Handlers.Add(static (services, message, context, ct) =>
            services.GetRequiredService<THandler>().HandleAsync((TEvent)message, context, ct));
    }

    internal void AddEvery<THandler>(string producer) where THandler : class, IEventHandler<EventEnvelope>
    {
        if (!_every.TryGetValue(producer, out var handlers))
            _every[producer] = handlers = [];
        handlers.Add(static (services, _, context, ct) =>
            services.GetRequiredService<THandler>().HandleAsync(context.Envelope, context, ct));
    }
}

public sealed class SubscriptionBuilder(string producer, SubscriptionRegistry registry, IServiceCollection services)
{
    public SubscriptionBuilder Handle<TEvent, THandler>()
        where TEvent : class
        where THandler : class, IEventHandler<TEvent>
    {
        registry.Add<TEvent, THandler>(producer);
        services.AddScoped<THandler>();
        return this;
    }

    /// <summary>
    /// Every event of the producer — of any type, including types this service was built before — goes to
    /// <typeparamref name="THandler"/> as its envelope, through the same inbox as typed handlers (deduplicated,
    /// in order per aggregate, retried, parked). The feed then sends every type.
    /// </summary>
    public SubscriptionBuilder HandleEvery<THandler>() where THandler : class, IEventHandler<EventEnvelope>
    {
        registry.AddEvery<THandler>(producer);
        services.TryAddScopedHandler<THandler>();
        return this;
    }
}

internal static class HandlerRegistration
{
    public static void TryAddScopedHandler<THandler>(this IServiceCollection services) where THandler : class
    {
        if (services.All(d => d.ServiceType != typeof(THandler)))
            services.AddScoped<THandler>();
    }
}
