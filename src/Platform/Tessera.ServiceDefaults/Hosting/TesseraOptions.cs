namespace Tessera.ServiceDefaults.Hosting;

/// <summary>Settings every Tessera process reads from the "Tessera" configuration section.</summary>
public sealed class TesseraOptions
{
    public const string Section = "Tessera";

    /// <summary>Short lower-case name of this service ("catalog", "orders"…); used in events, logs and service tokens.</summary>
    public string ServiceName { get; set; } = "";

    /// <summary>Folder holding databases, secrets and logs. Relative paths resolve against the working directory.</summary>
    public string DataDir { get; set; } = "data";

    /// <summary>
    /// Base URLs of the other services, by service name: one URL, or several separated by ';' when a service runs as
    /// several instances (the gateway balances them; see <see cref="ServiceAddresses"/>).
    /// </summary>
    public Dictionary<string, string> Services { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Addresses of <see cref="Services"/> that belong to a new build still warming up in a rolling upgrade, by service
    /// name: the gateway sends them reads (GET, HEAD) but keeps every write on the running build, so that two processes
    /// never write one SQLite file at once (docs/adr/0030).
    /// </summary>
    public Dictionary<string, string> WarmingUp { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>When set, the process stops itself once this process (its supervisor) is gone.</summary>
    public int? ParentPid { get; set; }

    /// <summary>
    /// A JSON file (the AppHost's run/services.json) read after every other source and again whenever it changes: the
    /// AppHost moves a service to a new address during a rolling upgrade by rewriting it (docs/adr/0030).
    /// </summary>
    public string? ServicesFile { get; set; }

    /// <summary>
    /// Set by the AppHost on a new build it starts beside the running one in a rolling upgrade: the process serves
    /// requests but does no background work until the services file makes it its service's address (<see cref="Hosting.Standby"/>).
    /// </summary>
    public bool Standby { get; set; }

    /// <summary>Which version of <see cref="ServicesFile"/> this process has applied; /health/self reports it so the AppHost knows.</summary>
    public long ServicesGeneration { get; set; }

    /// <summary>
    /// Listening sockets handed down by the AppHost (inherited file descriptors, comma-separated): the web front-end
    /// accepts the public port's connections from them, in every one of its processes alike, while it binds the
    /// <c>urls</c> it is given — its private port — itself (docs/adr/0030).
    /// </summary>
    public string? ListenHandles { get; set; }

    public string ResolveDataDir() => Path.GetFullPath(DataDir);

    /// <summary>
    /// The first address of a service. Callers other than the gateway talk to one instance; the gateway balances all of
    /// <see cref="ServiceAddresses"/>.
    /// </summary>
    public Uri ServiceUri(string service) => ServiceAddresses(service)[0];

    /// <summary>Every address configured for a service: its instances.</summary>
    public IReadOnlyList<Uri> ServiceAddresses(string service)
    {
        var addresses = new List<Uri>();
        var configured = Services.GetValueOrDefault(service) ?? "";
        foreach (var url in configured.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                throw new InvalidOperationException(
                    $"Tessera:Services:{service} holds '{url}', which is not an http(s) URL. Give one URL, or several separated by ';'.");
            addresses.Add(uri);
        }
        return addresses.Count > 0
            ? addresses
            : throw new InvalidOperationException(
                $"No URL is configured for service '{service}'. Set Tessera:Services:{service} (environment variable Tessera__Services__{service}).");
    }
}
