using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tessera.ServiceDefaults.Json;

namespace Tessera.Messaging.Handling;

internal delegate Task HandlerInvoker(IServiceProvider services, object message, MessageContext context, CancellationToken cancellationToken);

internal sealed record EventRegistration(string Producer, string Type, int Version, Type EventType, List<HandlerInvoker> Handlers)
{
    public object Deserialize(JsonElement payload) =>
        payload.Deserialize(EventType, TesseraJson.Options)
        ?? throw new JsonException($"The payload of {Type} v{Version} is empty.");
}

/// <summary>Which producers this service listens to and which handler runs for each of their event types.</summary>
public sealed class SubscriptionRegistry
{
    private readonly Dictionary<(string Producer, string Type, int Version), EventRegistration> _events = new();

    public IReadOnlyCollection<string> Producers => _events.Keys.Select(k => k.Producer).Distinct().ToArray();

    /// <summary>The event types (any version) this service handles from <paramref name="producer"/>, in name order.</summary>
    internal IReadOnlyList<string> TypesFrom(string producer) =>
        _events.Keys.Where(k => k.Producer == producer).Select(k => k.Type).Distinct().Order(StringComparer.Ordinal).ToList();

    internal bool Handles(string producer, string type, int version) => _events.ContainsKey((producer, type, version));

    internal EventRegistration? Find(string producer, string type, int version) => _events.GetValueOrDefault((producer, type, version));

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
}
