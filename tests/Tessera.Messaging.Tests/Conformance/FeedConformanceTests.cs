namespace Tessera.Messaging.Tests.Conformance;

public sealed class FeedTransportFixture : TransportFixture
{
    public override string Name => "feed";

    public override IDictionary<string, string?> NodeSettings(TestCluster cluster, string node) => new Dictionary<string, string?>
    {
        ["Tessera:Services:" + TestCluster.ProducerName] = $"http://127.0.0.1:{cluster.ProducerPort}",
    };

    /// <summary>Rewinding the checkpoint makes the feed serve every event again, as if acknowledgements had been lost.</summary>
    public override async Task ForceRedeliveryAsync(TestCluster cluster)
    {
        var head = await cluster.Consumer!.CheckpointAsync(TestCluster.ProducerName);
        await cluster.Consumer.ExecuteAsync("UPDATE subscriber_checkpoints SET position = 0");
        await cluster.StopConsumerAsync();
        await cluster.StartConsumerAsync();
        await Tessera.Testing.Poll.UntilAsync(() => cluster.Consumer!.CheckpointAsync(TestCluster.ProducerName), p => p >= head,
            "the consumer to read the whole feed again");
    }
}

public sealed class FeedConformanceTests() : TransportConformanceTests(new FeedTransportFixture());
