using System.Text.Json;

namespace Tessera.AppHost;

/// <summary>
/// &lt;data&gt;/run/services.json: every service's address, in the configuration shape every process loads last and
/// reloads when it changes (Tessera:ServicesFile). A rolling upgrade moves a service by rewriting it; the generation
/// goes up with every write, and each process reports the one it applied on /health/self, so the AppHost knows when
/// all of them have moved before it stops the old process (docs/adr/0030).
/// </summary>
internal sealed class ServicesFile(string path)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _generation;

    /// <returns>The generation written.</returns>
    public Task<long> WriteAsync(IEnumerable<ServiceSpec> services) => WriteAsync(services.Select(s => (s.Name, s.LocalUrl)));

    /// <param name="services">Each service's address: one URL, or several separated by ';' (the first is the one other services call).</param>
    /// <param name="warmingUp">A service's address that belongs to a new build still warming up: it gets reads only.</param>
    public async Task<long> WriteAsync(IEnumerable<(string Name, string Url)> services, (string Name, string Url)? warmingUp = null)
    {
        await _gate.WaitAsync();
        try
        {
            var generation = ++_generation;
            await AtomicJson.WriteAsync(path, new
            {
                Tessera = new
                {
                    Services = services.ToDictionary(s => s.Name, s => s.Url),
                    WarmingUp = warmingUp is { } warming ? new Dictionary<string, string> { [warming.Name] = warming.Url } : [],
                    ServicesGeneration = generation,
                },
            });
            return generation;
        }
        finally
        {
            _gate.Release();
        }
    }
}

/// <summary>
/// &lt;data&gt;/run/builds.json: the build each service was upgraded to, so that the AppHost started again (a reboot)
/// runs what the last upgrade installed instead of the builds it was itself shipped with.
/// </summary>
internal static class InstalledBuilds
{
    public static async Task RecordAsync(DataLayout layout, string service, string dllPath)
    {
        var builds = Read(layout);
        builds[service] = dllPath;
        await AtomicJson.WriteAsync(layout.InstalledBuilds, builds);
    }

    /// <summary>The manifest's services, each from the build it was last upgraded to when that build is still there.</summary>
    public static IReadOnlyList<ServiceEntry> Apply(DataLayout layout, IReadOnlyList<ServiceEntry> manifest)
    {
        var builds = Read(layout);
        return manifest.Select(entry =>
        {
            if (!builds.TryGetValue(entry.Name, out var dll) || dll == entry.DllPath)
                return entry;
            if (File.Exists(dll))
            {
                ConsoleReport.Info($"{entry.Name} runs the build it was upgraded to: {Path.GetDirectoryName(dll)}");
                return entry with { DllPath = dll };
            }
            ConsoleReport.Warning($"{entry.Name} was upgraded to {dll}, which is gone; it runs {entry.DllPath} instead.");
            return entry;
        }).ToList();
    }

    private static Dictionary<string, string> Read(DataLayout layout)
    {
        if (!File.Exists(layout.InstalledBuilds))
            return new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(layout.InstalledBuilds), AtomicJson.Options)
                   ?? new Dictionary<string, string>(StringComparer.Ordinal);
        }
        catch (JsonException ex)
        {
            throw new AppHostException($"{layout.InstalledBuilds} is damaged ({ex.Message}). Delete it to run the builds next to the AppHost.");
        }
    }
}
