using System.Diagnostics;
using System.Diagnostics.Metrics;
using Tessera.ServiceDefaults.Telemetry;

namespace Tessera.Messaging;

/// <summary>
/// Spans and measurements of the messaging path. A published event gets a short producer span whose context travels in
/// the envelope's traceparent; the consumer's handling continues that trace as a consumer span, so one trace runs from
/// the request that changed something through every service that reacted to it.
/// </summary>
internal static class MessagingTelemetry
{
    public static readonly Histogram<double> HandlerDuration = TesseraTelemetry.Meter.CreateHistogram<double>(
        "tessera.messaging.handler.duration", "s", "Time spent handling one received event (its handlers and their save)",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1] });

    /// <summary>The traceparent to store with an event published now: a producer span's, or the ambient one's when nobody records spans.</summary>
    public static string? TraceParentForPublish(string type, string aggregateId)
    {
        using var activity = TesseraTelemetry.Source.StartActivity("publish " + type, ActivityKind.Producer);
        if (activity is null)
            return Activity.Current?.Id;
        if (activity.IsAllDataRequested)
        {
            activity.SetTag("messaging.system", "tessera");
            activity.SetTag("messaging.operation.type", "publish");
            activity.SetTag("messaging.message.type", type);
            activity.SetTag("tessera.aggregate.id", aggregateId);
        }
        return activity.Id;
    }

    /// <summary>A consumer span continuing the trace the event was published in (a root span when it carries none).</summary>
    public static Activity? StartHandling(EventEnvelope envelope)
    {
        ActivityContext.TryParse(envelope.TraceParent, null, isRemote: true, out var parent);
        var activity = TesseraTelemetry.Source.StartActivity("process " + envelope.Type, ActivityKind.Consumer, parent);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("messaging.system", "tessera");
            activity.SetTag("messaging.operation.type", "process");
            activity.SetTag("messaging.message.id", envelope.Id.ToString());
            activity.SetTag("messaging.message.type", envelope.Type);
            activity.SetTag("messaging.source.name", envelope.Producer);
            activity.SetTag("tessera.aggregate.id", envelope.AggregateId);
        }
        return activity;
    }
}
