namespace Tessera.ServiceDefaults.Hosting;

/// <summary>Settings every Tessera process reads from the "Tessera" configuration section.</summary>
public sealed class TesseraOptions
{
    public const string Section = "Tessera";

    /// <summary>Short lower-case name of this service ("catalog", "orders"…); used in events, logs and service tokens.</summary>
    public string ServiceName { get; set; } = "";

    /// <summary>Folder holding databases, secrets and logs. Relative paths resolve against the working directory.</summary>
    public string DataDir { get; set; } = "data";

    /// <summary>Base URLs of the other services, by service name.</summary>
    public Dictionary<string, string> Services { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>When set, the process stops itself once this process (its supervisor) is gone.</summary>
    public int? ParentPid { get; set; }

    public string ResolveDataDir() => Path.GetFullPath(DataDir);

    public Uri ServiceUri(string service) =>
        Services.TryGetValue(service, out var url) && Uri.TryCreate(url, UriKind.Absolute, out var uri)
            ? uri
            : throw new InvalidOperationException(
                $"No URL is configured for service '{service}'. Set Tessera:Services:{service} (environment variable Tessera__Services__{service}).");
}
