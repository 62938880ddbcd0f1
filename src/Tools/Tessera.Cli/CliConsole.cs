using Spectre.Console;

namespace Tessera.Cli;

/// <summary>
/// How the CLI writes: colours and redrawn progress bars on a terminal; plain text when the output goes to a file or a
/// pipe (or NO_COLOR is set), so that a log or a script reading the output never gets escape codes.
/// </summary>
public static class CliConsole
{
    public static void Configure()
    {
        var plain = Console.IsOutputRedirected || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"))
                    || Environment.GetEnvironmentVariable("TERM") == "dumb";
        if (!plain)
            return;
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(Console.Out),
        });
        // Tables are drawn with plain characters: box-drawing lines read badly in a log viewer.
        AnsiConsole.Profile.Capabilities.Unicode = false;
    }
}
