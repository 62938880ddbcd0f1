namespace Tessera.AppHost;

/// <summary>Everything needed to (re)start one service; it never changes while the AppHost runs.</summary>
internal sealed record ServiceSpec(
    string Name,
    string DllPath,
    string BindUrl,
    string LocalUrl,
    string LogPath,
    string HoldFile,
    IReadOnlyDictionary<string, string> Environment)
{
    public bool IsWeb => Name == ServiceNames.Web;
}

/// <summary>Assigns ports and builds each service's command line and environment.</summary>
internal static class ServicePlan
{
    /// <returns>The services in start order: the back-end services first, the web front-end last.</returns>
    public static IReadOnlyList<ServiceSpec> Create(
        IReadOnlyList<ServiceEntry> services,
        AppHostOptions options,
        DataLayout layout,
        string? adminPassword)
    {
        var backend = services.Where(s => !s.IsWeb).ToList();
        var web = services.Where(s => s.IsWeb).ToList();
        var ports = Ports.AllocateLoopback(backend.Count);

        var bindUrls = new Dictionary<string, string>();
        var localUrls = new Dictionary<string, string>();
        for (var i = 0; i < backend.Count; i++)
        {
            bindUrls[backend[i].Name] = localUrls[backend[i].Name] = Urls.Http("127.0.0.1", ports[i]);
        }
        foreach (var entry in web)
        {
            bindUrls[entry.Name] = Urls.Http(options.Host, options.Port);
            localUrls[entry.Name] = Urls.Http(Urls.LocalHostFor(options.Host), options.Port);
        }

        var shared = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["Tessera__DataDir"] = layout.Root,
            // Each service stops itself once this process is gone, so even a kill -9 of the AppHost leaves no orphans.
            ["Tessera__ParentPid"] = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (name, url) in localUrls)
            shared[$"Tessera__Services__{name}"] = url;

        return backend.Concat(web)
            .Select(entry => new ServiceSpec(
                entry.Name,
                entry.DllPath,
                bindUrls[entry.Name],
                localUrls[entry.Name],
                layout.LogFor(entry.Name),
                layout.HoldFor(entry.Name),
                EnvironmentFor(entry, shared, adminPassword)))
            .ToList();
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
