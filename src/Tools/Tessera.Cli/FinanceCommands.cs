using System.Text.Json;
using Spectre.Console;

namespace Tessera.Cli;

/// <summary>tessera finance verify: recomputes the tenant's hash chain and names the first broken entry. Exit code 0 when it holds, 4 when broken.</summary>
public static class FinanceCommands
{
    public const int Broken = 4;

    public static async Task<int> VerifyAsync(ApiClient api, CancellationToken cancellationToken)
    {
        var result = await api.GetAsync<JsonElement>("/api/finance/audit/verify", cancellationToken);
        var entries = result.GetProperty("entries").GetInt64();
        if (result.GetProperty("ok").GetBoolean())
        {
            AnsiConsole.MarkupLine($"[green]The hash chain holds:[/] {entries:N0} entries, head {Markup.Escape(result.GetProperty("head").GetString()!)}.");
            return 0;
        }
        var broken = result.GetProperty("firstBroken");
        AnsiConsole.MarkupLine($"[red]The hash chain is broken at entry #{broken.GetProperty("number").GetInt64()}[/] " +
                               $"({Markup.Escape(broken.GetProperty("entryId").GetString()!)}): {Markup.Escape(broken.GetProperty("reason").GetString()!)}.");
        AnsiConsole.MarkupLine($"Stored hash   {Markup.Escape(broken.GetProperty("stored").GetString()!)}");
        AnsiConsole.MarkupLine($"Computed hash {Markup.Escape(broken.GetProperty("computed").GetString()!)}");
        AnsiConsole.MarkupLine($"{entries:N0} entries read.");
        return Broken;
    }
}
