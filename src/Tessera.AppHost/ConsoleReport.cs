using System.Globalization;
using Spectre.Console;

namespace Tessera.AppHost;

/// <summary>
/// Everything the AppHost prints. The children's own output goes to their log files, never here: it is JSON for
/// machines. Lines from concurrent supervision loops are serialised so they never interleave.
/// </summary>
internal static class ConsoleReport
{
    private static readonly Lock Gate = new();
    private static readonly IAnsiConsole Out = CreateConsole();

    public static void Info(string text) => Line("grey", text);

    public static void Success(string text) => Line("green", text);

    public static void Warning(string text) => Line("yellow", text);

    public static void Error(string text) => Line("red", text);

    public static void LogTail(string path, IReadOnlyList<string> lines)
    {
        lock (Gate)
        {
            Out.MarkupLine($"[grey]  Last {lines.Count} lines of {Markup.Escape(path)}:[/]");
            foreach (var line in lines)
                Out.MarkupLine($"[grey]  │ {Markup.Escape(line)}[/]");
        }
    }

    public static void Running(IReadOnlyList<ServiceStatus> services, string publicUrl, AdminSignIn? signIn, TimeSpan startup)
    {
        var table = new Table()
            .Border(TableBorder.Rounded)
            .AddColumn("Service")
            .AddColumn("URL")
            .AddColumn(new TableColumn("PID").RightAligned())
            .AddColumn("State");
        foreach (var service in services)
        {
            table.AddRow(
                new Markup($"[bold]{Markup.Escape(service.Name)}[/]"),
                new Text(service.Url),
                new Text(service.Pid?.ToString(CultureInfo.InvariantCulture) ?? "-"),
                new Markup(StateMarkup(service.State)));
        }

        lock (Gate)
        {
            Out.MarkupLine($"[green]All services ready in {startup.TotalSeconds:0.0} s.[/]");
            Out.Write(table);
            Out.WriteLine();
            if (signIn is null)
            {
                Out.MarkupLine("  [yellow]No 'web' service in services.manifest: there is no front-end to open.[/]");
            }
            else
            {
                Out.MarkupLine($"  Tessera is running at [bold underline green]{Markup.Escape(publicUrl)}[/]");
                Out.MarkupLine($"  Sign in: {SignInMarkup(signIn)}");
            }
            Out.WriteLine();
            Out.MarkupLine("  [grey]Press Ctrl+C to stop.[/]");
        }
    }

    private static string SignInMarkup(AdminSignIn signIn)
    {
        var who = $"{AdminSignIn.Tenant} / {AdminSignIn.User}";
        return signIn.Source switch
        {
            PasswordSource.Environment => $"{who} — password from {AdminSignIn.EnvironmentVariable}",
            PasswordSource.Generated =>
                $"{who} / [bold yellow]{Markup.Escape(signIn.Password ?? "")}[/] — [yellow]shown only this once[/]",
            _ => $"{who} — password printed at first start",
        };
    }

    private static string StateMarkup(ServiceState state) => state switch
    {
        ServiceState.Ready => "[green]ready[/]",
        ServiceState.Starting => "[yellow]starting[/]",
        ServiceState.Restarting => "[yellow]restarting[/]",
        _ => "[red]exited[/]",
    };

    private static IAnsiConsole CreateConsole()
    {
        if (!Console.IsOutputRedirected)
            return AnsiConsole.Console;

        // Redirected to a file or a test harness: plain text, and no wrapping at an assumed 80 columns, so every
        // notice stays on one line that a script can grep.
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 1000;
        return console;
    }

    private static void Line(string colour, string text)
    {
        var time = DateTime.Now.ToString("HH:mm:ss", CultureInfo.InvariantCulture);
        lock (Gate)
            Out.MarkupLine($"[grey]{time}[/] [{colour}]{Markup.Escape(text)}[/]");
    }
}
