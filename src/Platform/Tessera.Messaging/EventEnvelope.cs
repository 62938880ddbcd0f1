using System.Text.Json;
using System.Text.RegularExpressions;

namespace Tessera.Messaging;

/// <summary>
/// What travels between services: the event's payload plus who, what, when and why. The payload is the event record as
/// JSON; consumers ignore fields they do not know. <see cref="Position"/> is the event's place in its producer's feed.
/// </summary>
public sealed record EventEnvelope(
    Guid Id,
    string Type,
    int Version,
    string Tenant,
    DateTimeOffset OccurredAt,
    string Producer,
    string AggregateId,
    Guid CorrelationId,
    Guid? CausationId,
    string? TraceParent,
    JsonElement Payload,
    long Position);

/// <summary>
/// Event type names come from the contract's record name; a trailing "V2", "V3"… is the contract version, so a breaking
/// change is a new record (OrderPlacedV2) published beside the old one until every consumer has moved.
/// </summary>
public static partial class EventTypes
{
    public static (string Name, int Version) Of(Type eventType)
    {
        var match = VersionSuffix().Match(eventType.Name);
        return match.Success
            ? (match.Groups["name"].Value, int.Parse(match.Groups["version"].Value, System.Globalization.CultureInfo.InvariantCulture))
            : (eventType.Name, 1);
    }

    [GeneratedRegex(@"^(?<name>.+?)V(?<version>[0-9]+)$")]
    private static partial Regex VersionSuffix();
}
