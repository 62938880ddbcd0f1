using System.Text.RegularExpressions;

namespace Tessera.AppHost;

/// <summary>One service the AppHost runs: its name and the assembly "dotnet" starts.</summary>
internal sealed record ServiceEntry(string Name, string DllPath)
{
    public bool IsWeb => Name == ServiceNames.Web;
}

/// <summary>
/// Reads services.manifest, which the AppHost build writes next to the AppHost (see WriteServiceManifest in the csproj),
/// so the AppHost runs exactly the services it was built with, from their own bin folders. A build folder handed to
/// <c>tessera upgrade --from</c> has one too; its paths may be relative to the folder.
/// </summary>
internal static partial class ServiceManifest
{
    public const string FileName = "services.manifest";

    public static IReadOnlyList<ServiceEntry> Load(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
            throw new AppHostException($"{path} is missing. Build the AppHost first: dotnet build src/Tessera.AppHost");

        var entries = new List<ServiceEntry>();
        foreach (var (line, number) in File.ReadAllLines(path).Select((line, index) => (line.Trim(), index + 1)))
        {
            if (line.Length == 0)
                continue;
            entries.Add(Parse(line, path, number));
        }

        if (entries.Count == 0)
            throw new AppHostException($"{path} lists no services.");
        var duplicate = entries.GroupBy(e => e.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new AppHostException($"{path} lists service '{duplicate.Key}' more than once.");
        return entries;
    }

    private static ServiceEntry Parse(string line, string path, int number)
    {
        var separator = line.IndexOf('|');
        if (separator < 0)
            throw new AppHostException($"{path}:{number}: expected '<name>|<dll path>', got '{line}'.");

        var name = line[..separator].Trim();
        var dll = line[(separator + 1)..].Trim();
        // The name becomes a file name (logs/<name>.log) and part of an environment variable name.
        if (!ServiceNamePattern().IsMatch(name))
            throw new AppHostException($"{path}:{number}: '{name}' is not a valid service name (lower-case letters, digits and '-').");
        // A build folder that was copied or unpacked names its dlls relative to itself.
        if (!Path.IsPathFullyQualified(dll))
            dll = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, dll));
        if (!File.Exists(dll))
            throw new AppHostException($"{dll} ({name}) does not exist. Build the AppHost again: dotnet build src/Tessera.AppHost");
        return new ServiceEntry(name, dll);
    }

    [GeneratedRegex("^[a-z][a-z0-9-]*$")]
    private static partial Regex ServiceNamePattern();
}
