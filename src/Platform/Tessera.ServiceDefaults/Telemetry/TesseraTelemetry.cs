using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Tessera.ServiceDefaults.Telemetry;

/// <summary>
/// The spans and measurements Tessera's own code produces (the libraries add theirs: requests, HTTP calls). One source
/// and one meter per process, so a handler, the write gate or a job records without being handed anything.
/// </summary>
public static class TesseraTelemetry
{
    public const string Name = "Tessera";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    /// <summary>How long a writer waited for the database's write gate (ADR 0002); zero when it was free.</summary>
    public static readonly Histogram<double> WriteGateWait = Meter.CreateHistogram<double>(
        "tessera.db.write_gate.wait", "s", "Time a writer waited for its database's write gate",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0, 0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] });

    /// <summary>One run of a background job (retention, archive, re-encryption, deadlines…), by job and outcome.</summary>
    public static readonly Histogram<double> JobDuration = Meter.CreateHistogram<double>(
        "tessera.job.duration", "s", "Duration of one run of a background job",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300] });

    /// <summary>Starts timing one run of a background job; the run ends with <see cref="JobRun.Succeeded"/> or <see cref="JobRun.Failed"/>.</summary>
    public static JobRun Job(string name) => new(name, Stopwatch.GetTimestamp());
}

public readonly record struct JobRun(string Name, long Started)
{
    public void Succeeded() => Record("succeeded");

    public void Failed() => Record("failed");

    private void Record(string outcome) =>
        TesseraTelemetry.JobDuration.Record(Stopwatch.GetElapsedTime(Started).TotalSeconds,
            new KeyValuePair<string, object?>("job", Name), new KeyValuePair<string, object?>("outcome", outcome));
}
