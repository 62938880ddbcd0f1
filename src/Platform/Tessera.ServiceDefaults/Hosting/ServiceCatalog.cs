namespace Tessera.ServiceDefaults.Hosting;

/// <summary>
/// The back-end services behind the web front-end, in one place: the gateway forwards /api/&lt;name&gt;/ to each, the
/// operations page and the CLI ask each for its health, feeds and parked messages, and those that own invariants
/// (blueprint section 7) for their consistency report. A new service is one entry here plus its project reference
/// in the AppHost (an architecture test keeps the two in step). The CLI compiles this file in as a link, so it needs
/// no reference to the platform.
/// </summary>
public static class ServiceCatalog
{
    public sealed record Service(string Name, bool ChecksInvariants);

    public static readonly IReadOnlyList<Service> All =
    [
        new("catalog", ChecksInvariants: false),
        new("inventory", ChecksInvariants: true),
        new("orders", ChecksInvariants: false),
        new("procurement", ChecksInvariants: true),
        new("logistics", ChecksInvariants: true),
        new("finance", ChecksInvariants: true),
        new("reporting", ChecksInvariants: true),
    ];

    public static readonly IReadOnlyList<string> Names = All.Select(s => s.Name).ToArray();

    /// <summary>The services that check their invariants at GET /api/&lt;service&gt;/consistency.</summary>
    public static readonly IReadOnlyList<string> WithInvariants = All.Where(s => s.ChecksInvariants).Select(s => s.Name).ToArray();

    public static bool Contains(string name) => Names.Contains(name, StringComparer.OrdinalIgnoreCase);
}
