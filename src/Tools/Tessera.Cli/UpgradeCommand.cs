using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;

namespace Tessera.Cli;

/// <summary>
/// tessera upgrade --from &lt;build folder&gt; --data &lt;dir&gt;: asks the AppHost running on that data folder for a rolling
/// upgrade (it watches run/upgrade-request.json) and follows its report (run/upgrade.json) until every service runs the
/// new build or one was rolled back (docs/adr/0030). Exit codes: 0 upgraded, 1 a service was rolled back or the AppHost
/// refused the build, 2 nothing to upgrade (no AppHost on that folder, no build there), 3 no answer in time.
/// </summary>
public static class UpgradeCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private sealed record Status(int Pid, string State);

    private sealed record ServiceUpgrade(string Name, string State, int? Pid, string? Url, double? Seconds, string? Detail);

    private sealed record Report(string? Id, string From, string State, string? Message, List<ServiceUpgrade> Services);

    public static async Task<int> RunAsync(string from, string dataDir, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var build = Path.GetFullPath(from);
        var run = Path.Combine(Path.GetFullPath(dataDir), "run");
        if (!File.Exists(Path.Combine(build, "services.manifest")))
        {
            AnsiConsole.MarkupLine($"[red]{Markup.Escape(build)} holds no services.manifest:[/] give the output folder of the new build's AppHost " +
                                   "(dotnet build src/Tessera.AppHost -c Release), or a copy of it.");
            return 2;
        }
        if (await RunningAppHostAsync(run, cancellationToken) is not { } appHost)
        {
            AnsiConsole.MarkupLine($"[red]No AppHost is running on {Markup.Escape(Path.GetDirectoryName(run)!)}.[/] Start it (--data) and upgrade it while it runs; " +
                                   "a stopped installation simply starts the new build's AppHost.");
            return 2;
        }

        var id = Guid.NewGuid().ToString("N");
        var request = Path.Combine(run, "upgrade-request.json");
        var temp = request + ".tmp";
        await File.WriteAllTextAsync(temp, JsonSerializer.Serialize(new { id, from = build }, Json), cancellationToken);
        File.Move(temp, request, overwrite: true);
        AnsiConsole.MarkupLine($"Upgrading the services of the AppHost (pid {appHost.Pid}) one at a time to {Markup.Escape(build)}…");

        var started = Stopwatch.StartNew();
        var shown = new Dictionary<string, string>(StringComparer.Ordinal);
        while (started.Elapsed < timeout)
        {
            var report = await ReadAsync<Report>(Path.Combine(run, "upgrade.json"), cancellationToken);
            if (report?.Id == id)
            {
                foreach (var service in report.Services.Where(s => shown.GetValueOrDefault(s.Name) != s.State))
                {
                    shown[service.Name] = service.State;
                    Show(service);
                }
                if (report.State == "succeeded")
                {
                    AnsiConsole.MarkupLine($"[green]{Markup.Escape(report.Message ?? "Upgraded.")}[/]");
                    return 0;
                }
                if (report.State == "failed")
                {
                    AnsiConsole.MarkupLine($"[red]{Markup.Escape(report.Message ?? "The upgrade failed.")}[/]");
                    return 1;
                }
            }
            else if (started.Elapsed > TimeSpan.FromSeconds(10) && File.Exists(request) && await RunningAppHostAsync(run, cancellationToken) is null)
            {
                File.Delete(request);
                AnsiConsole.MarkupLine("[red]The AppHost stopped before it took the request; nothing was upgraded.[/]");
                return 1;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }
        AnsiConsole.MarkupLine($"[red]The upgrade did not finish within {timeout.TotalMinutes:0} min.[/] Its progress is in {Markup.Escape(Path.Combine(run, "upgrade.json"))}.");
        return 3;
    }

    private static void Show(ServiceUpgrade service)
    {
        var line = service.State switch
        {
            "upgrading" => $"  {service.Name}: starting the new build…",
            "upgraded" => string.Format(CultureInfo.InvariantCulture, "  [green]{0}: upgraded[/] (pid {1}, {2}) in {3:0.0} s", service.Name, service.Pid,
                Markup.Escape(service.Url ?? ""), service.Seconds),
            "rolledBack" => $"  [red]{service.Name}: rolled back[/]",
            "notUpgraded" => $"  [yellow]{service.Name}: not upgraded[/]",
            _ => null,
        };
        if (line is not null)
            AnsiConsole.MarkupLine(line);
    }

    private static async Task<Status?> RunningAppHostAsync(string run, CancellationToken cancellationToken)
    {
        var status = await ReadAsync<Status>(Path.Combine(run, "apphost.json"), cancellationToken);
        if (status is null || status.State is not ("ready" or "degraded"))
            return null;
        try
        {
            using var process = Process.GetProcessById(status.Pid);
            return process.HasExited ? null : status;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private static async Task<T?> ReadAsync<T>(string path, CancellationToken cancellationToken) where T : class
    {
        if (!File.Exists(path))
            return null;
        try
        {
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return await JsonSerializer.DeserializeAsync<T>(stream, Json, cancellationToken);
        }
        catch (Exception ex) when (ex is JsonException or IOException)
        {
            return null;
        }
    }
}
