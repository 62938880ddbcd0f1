using System.Runtime.CompilerServices;
using Tessera.Testing;

namespace Tessera.Messaging.Tests.Conformance;

/// <summary>One throwaway RabbitMQ node for the RabbitMQ tests; each test cluster gets a virtual host of its own on it.</summary>
public sealed class RabbitMqBroker : IAsyncLifetime
{
    public LocalRabbitMq Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await LocalRabbitMq.StartAsync(virtualHosts: 40);

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

public sealed class RabbitMqTransportFixture(RabbitMqBroker broker) : TransportFixture
{
    private readonly ConditionalWeakTable<TestCluster, string> _virtualHosts = new();

    public override string Name => "rabbitmq";

    public string VirtualHost(TestCluster cluster) => _virtualHosts.GetValue(cluster, _ => broker.Server.NewVirtualHost());

    public override IDictionary<string, string?> NodeSettings(TestCluster cluster, string node) => new Dictionary<string, string?>
    {
        ["Tessera:Messaging:Transport"] = "rabbitmq",
        ["Tessera:Messaging:RabbitMq:Uri"] = broker.Server.Uri(VirtualHost(cluster)),
        // Services know each other's addresses whatever the transport; a subscriber reads the producers it has one for.
        ["Tessera:Services:" + TestCluster.ProducerName] = $"http://127.0.0.1:{cluster.ProducerPort}",
    };

    /// <summary>
    /// Unmarking the producer's outbox makes its relay publish every event again, as a second relay instance or a crash
    /// between the broker's confirms and the mark would: the queue then holds each message twice.
    /// </summary>
    public override async Task ForceRedeliveryAsync(TestCluster cluster)
    {
        var producer = cluster.Producer!;
        await producer.ExecuteAsync("UPDATE outbox_messages SET dispatched_at = NULL");
        await Poll.UntilAsync(producer.UndispatchedAsync, undispatched => undispatched == 0, "the relay to publish the whole outbox again");
    }
}

[Collection(RabbitMqCollection.Name)]
public sealed class RabbitMqConformanceTests(RabbitMqBroker broker) : TransportConformanceTests(new RabbitMqTransportFixture(broker));
