using Tessera.Testing;

namespace Tessera.Messaging.Tests.Conformance;

/// <summary>How a transport is wired for the conformance suite; every transport supplies one.</summary>
public abstract class TransportFixture
{
    public abstract string Name { get; }

    /// <summary>Extra configuration of a node (for the feed: where the producer is).</summary>
    public abstract IDictionary<string, string?> NodeSettings(TestCluster cluster, string node);

    /// <summary>Make the transport deliver already-delivered messages again, as after a lost acknowledgement.</summary>
    public abstract Task ForceRedeliveryAsync(TestCluster cluster);
}

/// <summary>A producer node and a consumer node subscribed to it, each startable and stoppable on its own.</summary>
public sealed class TestCluster(TransportFixture transport) : IAsyncDisposable
{
    public const string ProducerName = "producer";
    public const string ConsumerName = "consumer";

    private readonly TempDirectory _directory = new("tessera-messaging");

    public FaultPlan Faults { get; } = new();
    public int ProducerPort { get; } = Ports.Free();
    public int ConsumerPort { get; } = Ports.Free();
    public string DataDir => _directory.Path;
    public TestNode? Producer { get; private set; }
    public TestNode? Consumer { get; private set; }

    public async Task StartAsync()
    {
        await StartProducerAsync();
        await StartConsumerAsync();
    }

    public async Task StartProducerAsync() =>
        Producer = await TestNode.StartAsync(ProducerName, DataDir, ProducerPort, transport.NodeSettings(this, ProducerName), Faults, null);

    public async Task StartConsumerAsync() =>
        Consumer = await TestNode.StartAsync(ConsumerName, DataDir, ConsumerPort, transport.NodeSettings(this, ConsumerName), Faults, ProducerName);

    public async Task StopProducerAsync()
    {
        if (Producer is not null)
            await Producer.DisposeAsync();
        Producer = null;
    }

    public async Task StopConsumerAsync()
    {
        if (Consumer is not null)
            await Consumer.DisposeAsync();
        Consumer = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopConsumerAsync();
        await StopProducerAsync();
        _directory.Dispose();
    }
}
