using System.Collections;
using System.Diagnostics;

namespace Tessera.ServiceDefaults.Telemetry;

/// <summary>One finished span as the operations console and tests read it.</summary>
public sealed record SpanDto(
    string TraceId,
    string SpanId,
    string? ParentSpanId,
    string Name,
    string Kind,
    string Service,
    DateTimeOffset StartedAt,
    double DurationMs,
    string Status,
    IReadOnlyDictionary<string, string?> Tags);

/// <summary>
/// The last spans this process finished, kept by OpenTelemetry's in-memory exporter when Tessera:Telemetry:KeepSpans
/// is set (off by default): a ring of that many, so it never grows. Lets an operator — or a system test — follow one
/// trace across the services without a collector.
/// </summary>
public sealed class RecentSpans(int capacity, string service) : ICollection<Activity>
{
    private readonly SpanDto?[] _ring = new SpanDto?[Math.Max(1, capacity)];
    private readonly Lock _gate = new();
    private long _next;

    public IReadOnlyList<SpanDto> OfTrace(string traceId)
    {
        lock (_gate)
            return _ring.Where(s => s is not null && s.TraceId == traceId).Select(s => s!).OrderBy(s => s.StartedAt).ToList();
    }

    public void Add(Activity item)
    {
        var span = new SpanDto(
            item.TraceId.ToHexString(), item.SpanId.ToHexString(),
            item.ParentSpanId == default ? null : item.ParentSpanId.ToHexString(),
            item.DisplayName, item.Kind.ToString(), service, item.StartTimeUtc, item.Duration.TotalMilliseconds, item.Status.ToString(),
            item.TagObjects.Take(16).ToDictionary(t => t.Key, t => t.Value?.ToString()));
        lock (_gate)
            _ring[_next++ % _ring.Length] = span;
    }

    public int Count
    {
        get
        {
            lock (_gate)
                return (int)Math.Min(_next, _ring.Length);
        }
    }

    public bool IsReadOnly => false;

    public void Clear()
    {
        lock (_gate)
        {
            Array.Clear(_ring);
            _next = 0;
        }
    }

    // The exporter only adds; the rest of ICollection is not how spans are read.
    public bool Contains(Activity item) => false;

    public void CopyTo(Activity[] array, int arrayIndex) { }

    public bool Remove(Activity item) => false;

    public IEnumerator<Activity> GetEnumerator() => Enumerable.Empty<Activity>().GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
