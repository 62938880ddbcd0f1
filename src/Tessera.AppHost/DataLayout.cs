namespace Tessera.AppHost;

/// <summary>The folders under --data that the AppHost and every service share.</summary>
internal sealed record DataLayout(string Root)
{
    public string Logs => Path.Combine(Root, "logs");
    public string Run => Path.Combine(Root, "run");
    public string Secrets => Path.Combine(Root, "secrets");
    public string StatusFile => Path.Combine(Run, "apphost.json");

    /// <summary>Every service's address, which every service reads and reloads (docs/adr/0030).</summary>
    public string ServicesFile => Path.Combine(Run, "services.json");

    /// <summary>The build each service was last upgraded to (<see cref="InstalledBuilds"/>).</summary>
    public string InstalledBuilds => Path.Combine(Run, "builds.json");

    /// <summary>Where <c>tessera upgrade</c> asks the running AppHost for a rolling upgrade…</summary>
    public string UpgradeRequest => Path.Combine(Run, "upgrade-request.json");

    /// <summary>…and where the AppHost reports its progress and outcome.</summary>
    public string UpgradeReport => Path.Combine(Run, "upgrade.json");

    /// <summary>Created by the web front-end on its first start; its absence means the admin account does not exist yet.</summary>
    public string WebDatabase => Path.Combine(Root, "web.db");

    public string LogFor(string service) => Path.Combine(Logs, service + ".log");

    /// <summary>
    /// While this file exists, the service is not restarted after it stops: an operator holds it down for maintenance
    /// (restore a backup, inspect its database), and deletes the file to let the AppHost bring it back.
    /// </summary>
    public string HoldFor(string service) => Path.Combine(Run, "hold", service);

    /// <summary>
    /// The folders, closed to other users like every file in them: databases, WAL files, logs and uploads hold business
    /// and personal data. The services and their files inherit the AppHost's umask (077), so they are created owner-only.
    /// </summary>
    public void Create()
    {
        OwnerOnly.Apply();
        foreach (var folder in new[] { Root, Logs, Run, Secrets })
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(folder);
                continue;
            }
            Directory.CreateDirectory(folder, OwnerOnly.Folder);
            var mode = File.GetUnixFileMode(folder);
            // An existing data folder from an earlier version is closed too; a shared one such as /tmp is left alone.
            if ((mode & UnixFileMode.StickyBit) == 0 && (mode & ~OwnerOnly.Folder) != 0)
                OwnerOnly.TrySetMode(folder, OwnerOnly.Folder);
        }
        OwnerOnly.RestrictFiles(Logs, "*.log");
    }
}
