namespace Tessera.AppHost;

/// <summary>
/// The "dotnet" executable the services are started with: the one running the AppHost, so children use the same
/// runtime even when several are installed or none is on PATH.
/// </summary>
internal static class DotnetHost
{
    public static string Resolve()
    {
        var fileName = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";

        // "dotnet Tessera.AppHost.dll": this process is the host itself.
        if (Environment.ProcessPath is { } current && Path.GetFileName(current).Equals(fileName, StringComparison.OrdinalIgnoreCase))
            return current;

        // "dotnet run" or the native apphost: the runtime lives in <dotnet root>/shared/Microsoft.NETCore.App/<version>/.
        var runtimeDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location);
        if (runtimeDirectory is not null)
        {
            var candidate = Path.GetFullPath(Path.Combine(runtimeDirectory, "..", "..", "..", fileName));
            if (File.Exists(candidate))
                return candidate;
        }

        if (Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } root && File.Exists(Path.Combine(root, fileName)))
            return Path.Combine(root, fileName);

        return fileName; // Left to PATH.
    }
}
