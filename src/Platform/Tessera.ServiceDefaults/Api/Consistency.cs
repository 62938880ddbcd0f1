namespace Tessera.ServiceDefaults.Api;

/// <summary>
/// A service's answer to "do my invariants hold?" (blueprint section 7), served at GET /api/&lt;service&gt;/consistency:
/// every invariant the service owns, checked now. The `check` command and the operations page read it.
/// </summary>
public sealed record ConsistencyReportDto(string Service, DateTimeOffset CheckedAt, bool Holds, IReadOnlyList<InvariantResultDto> Invariants);

/// <summary>One invariant (I1, I2…), how many things were checked, and each one that breaks it (at most a page of them).</summary>
public sealed record InvariantResultDto(string Id, string Description, bool Holds, int Checked, int ViolationCount, IReadOnlyList<InvariantViolationDto> Violations);

/// <summary>What breaks an invariant: Key names the thing (e.g. "SKU-1@HCM"), Detail says by how much.</summary>
public sealed record InvariantViolationDto(string Key, string Detail);
