using System.Reflection;

namespace Tessera.ServiceDefaults.Hosting;

/// <summary>
/// Which build this process runs and since when: shown by /health, the operations console and the traces' resource.
/// The version is the assembly's informational version, followed by the build label in <see cref="LabelFile"/> next to
/// the service's dll when the build folder has one (a release names itself there; a rolling upgrade reports it).
/// </summary>
public static class BuildInfo
{
    public const string LabelFile = "tessera-build.txt";

    public static readonly DateTimeOffset StartedAt = DateTimeOffset.UtcNow;

    public static string Version { get; } = Read();

    public static TimeSpan Uptime => DateTimeOffset.UtcNow - StartedAt;

    private static string Read()
    {
        var assembly = Assembly.GetEntryAssembly();
        var version = assembly?.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
                      ?? assembly?.GetName().Version?.ToString() ?? "0.0.0";
        var label = Path.Combine(AppContext.BaseDirectory, LabelFile);
        if (!File.Exists(label))
            return version;
        var text = File.ReadLines(label).FirstOrDefault()?.Trim();
        return string.IsNullOrEmpty(text) ? version : $"{version} ({text})";
    }
}
