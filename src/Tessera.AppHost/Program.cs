using System.CommandLine;
using System.CommandLine.Parsing;
using System.Net;

namespace Tessera.AppHost;

internal static class Program
{
    public static Task<int> Main(string[] args)
    {
        var data = new Option<string>("--data")
        {
            Description = "Folder for databases, secrets, logs and the status file (created if missing).",
            DefaultValueFactory = _ => "./data",
        };
        var port = new Option<int>("--port")
        {
            Description = "Public port of the web front-end.",
            DefaultValueFactory = _ => 5000,
        };
        var host = new Option<string>("--host")
        {
            Description = "Address the public port binds to.",
            DefaultValueFactory = _ => "127.0.0.1",
        };
        port.Validators.Add(ValidatePort);
        host.Validators.Add(ValidateHost);

        var root = new RootCommand("Runs every Tessera service as its own process, restarts crashed ones and stops them all on Ctrl+C.");
        root.Options.Add(data);
        root.Options.Add(port);
        root.Options.Add(host);
        root.SetAction(async (ParseResult result, CancellationToken cancellationToken) =>
        {
            var options = new AppHostOptions(
                DataDir: Path.GetFullPath(result.GetRequiredValue(data)),
                Host: result.GetRequiredValue(host),
                Port: result.GetValue(port));

            using var shutdown = new ShutdownSignal(cancellationToken);
            try
            {
                return await Supervisor.RunAsync(options, shutdown);
            }
            catch (AppHostException ex)
            {
                ConsoleReport.Error(ex.Message);
                return 1;
            }
        });

        // The AppHost handles Ctrl+C and SIGTERM itself (ShutdownSignal): System.CommandLine's built-in handler would
        // end the process 2 s after the signal, long before the children have finished their graceful shutdown.
        return root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
    }

    private static void ValidatePort(OptionResult result)
    {
        if (result.GetValueOrDefault<int>() is < 1 or > 65535)
            result.AddError("--port must be between 1 and 65535.");
    }

    private static void ValidateHost(OptionResult result)
    {
        var value = result.GetValueOrDefault<string>();
        var valid = value is "*" or "+"
            || IPAddress.TryParse(value, out _)
            || Uri.CheckHostName(value) is UriHostNameType.Dns;
        if (!valid)
            result.AddError($"--host '{value}' is not an IP address or host name.");
    }
}
