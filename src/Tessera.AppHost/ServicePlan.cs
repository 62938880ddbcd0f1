namespace Tessera.AppHost;

/// <summary>
/// Everything needed to (re)start one service. It stays the same across restarts; a rolling upgrade replaces it with
/// the new build's (<see cref="ServicePlan.Replacement"/>).
/// </summary>
/// <param name="LocalUrl">Where the other processes reach it.</param>
/// <param name="ProbeUrl">Where the AppHost asks this very process whether it is ready: its own port, even when it shares the public one.</param>
internal sealed record ServiceSpec(
    string Name,
    string DllPath,
    string BindUrl,
    string LocalUrl,
    string ProbeUrl,
    string LogPath,
    string HoldFile,
    IReadOnlyDictionary<string, string> Environment)
{
    public bool IsWeb => Name == ServiceNames.Web;

    /// <summary>The public port, listened on by the AppHost and handed to this process (the web front-end, on Unix).</summary>
    public PublicListener? Public { get; init; }

    /// <summary>The build folder the process runs from.</summary>
    public string Build => Path.GetDirectoryName(DllPath)!;
}

/// <summary>Assigns ports and builds each service's command line and environment.</summary>
internal static class ServicePlan
{
    /// <returns>The services in start order: the back-end services first, the web front-end last.</returns>
    public static IReadOnlyList<ServiceSpec> Create(
        IReadOnlyList<ServiceEntry> services,
        AppHostOptions options,
        DataLayout layout,
        string? adminPassword,
        PublicListener? publicListener)
    {
        var backend = services.Where(s => !s.IsWeb).ToList();
        var web = services.Where(s => s.IsWeb).ToList();
        // The web front-end gets a private port besides the public one it is handed, where the AppHost probes that very process.
        var ports = Ports.AllocateLoopback(backend.Count + (publicListener is null ? 0 : web.Count));

        var bindUrls = new Dictionary<string, string>();
        var localUrls = new Dictionary<string, string>();
        for (var i = 0; i < backend.Count; i++)
        {
            bindUrls[backend[i].Name] = localUrls[backend[i].Name] = Urls.Http("127.0.0.1", ports[i]);
        }
        var probeUrls = new Dictionary<string, string>(localUrls);
        for (var i = 0; i < web.Count; i++)
        {
            var entry = web[i];
            localUrls[entry.Name] = Urls.Http(Urls.LocalHostFor(options.Host), options.Port);
            bindUrls[entry.Name] = probeUrls[entry.Name] = publicListener is null
                ? Urls.Http(options.Host, options.Port)
                : Urls.Http("127.0.0.1", ports[backend.Count + i]);
        }

        var shared = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["Tessera__DataDir"] = layout.Root,
            // Each service stops itself once this process is gone, so even a kill -9 of the AppHost leaves no orphans.
            ["Tessera__ParentPid"] = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // Read after the variables below and again when it changes: how a rolling upgrade moves a service (docs/adr/0030).
            ["Tessera__ServicesFile"] = layout.ServicesFile,
        };
        foreach (var (name, url) in localUrls)
            shared[$"Tessera__Services__{name}"] = url;

        return backend.Concat(web)
            .Select(entry => new ServiceSpec(
                entry.Name,
                entry.DllPath,
                bindUrls[entry.Name],
                localUrls[entry.Name],
                probeUrls[entry.Name],
                layout.LogFor(entry.Name),
                layout.HoldFor(entry.Name),
                EnvironmentFor(entry, shared, adminPassword))
            {
                Public = entry.IsWeb ? publicListener : null,
            })
            .ToList();
    }

    /// <summary>
    /// The new build of a running service, on a port of its own so that it can be made ready while the old process still
    /// serves. The web front-end keeps the public port — the same listening socket, handed to the old process and the new
    /// one alike, which accept from its one queue until the old one has drained — and gets a private port of its own,
    /// where the AppHost probes this very process.
    /// </summary>
    public static ServiceSpec Replacement(ServiceSpec current, ServiceEntry build)
    {
        var own = Urls.Http("127.0.0.1", Ports.AllocateLoopback(1)[0]);
        return current with
        {
            DllPath = build.DllPath,
            // Without a handed socket (Windows) the new process must bind the public port itself, which only works once the old one let go of it.
            BindUrl = current.IsWeb && current.Public is null ? $"{current.BindUrl.Split(';')[0]};{own}" : own,
            LocalUrl = current.IsWeb ? current.LocalUrl : own,
            ProbeUrl = own,
            // Serves at once, reads events and runs jobs only once run/services.json makes it the service's address
            // (Tessera.ServiceDefaults.Hosting.Standby). The web front-end has no address there: its processes share the public port.
            Environment = current.IsWeb
                ? current.Environment
                : new Dictionary<string, string>(current.Environment) { ["Tessera__Standby"] = "true" },
        };
    }

    private static Dictionary<string, string> EnvironmentFor(ServiceEntry entry, Dictionary<string, string> shared, string? adminPassword)
    {
        var environment = new Dictionary<string, string>(shared);
        // Only the web front-end owns user accounts; no other process needs to see the password.
        if (entry.IsWeb && adminPassword is not null)
            environment["Tessera__Bootstrap__AdminPassword"] = adminPassword;
        return environment;
    }
}
