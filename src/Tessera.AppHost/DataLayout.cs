namespace Tessera.AppHost;

/// <summary>The folders under --data that the AppHost and every service share.</summary>
internal sealed record DataLayout(string Root)
{
    public string Logs => Path.Combine(Root, "logs");
    public string Run => Path.Combine(Root, "run");
    public string Secrets => Path.Combine(Root, "secrets");
    public string StatusFile => Path.Combine(Run, "apphost.json");

    /// <summary>Created by the web front-end on its first start; its absence means the admin account does not exist yet.</summary>
    public string WebDatabase => Path.Combine(Root, "web.db");

    public string LogFor(string service) => Path.Combine(Logs, service + ".log");

    /// <summary>
    /// While this file exists, the service is not restarted after it stops: an operator holds it down for maintenance
    /// (restore a backup, inspect its database), and deletes the file to let the AppHost bring it back.
    /// </summary>
    public string HoldFor(string service) => Path.Combine(Run, "hold", service);

    public void Create()
    {
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(Logs);
        Directory.CreateDirectory(Run);
        // Same owner-only mode the services' SecretStore uses, whoever creates the folder first.
        if (OperatingSystem.IsWindows())
            Directory.CreateDirectory(Secrets);
        else
            Directory.CreateDirectory(Secrets, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
