using System.Globalization;
using System.Net;
using System.Text.Json;
using Spectre.Console;

namespace Tessera.Cli;

/// <summary>
/// tessera check: asks every service that owns invariants (blueprint section 7) to check them now, and prints each
/// invariant with its violations. Exit code 0 when every invariant holds, 4 when one does not, 1 when a service could
/// not answer (its invariants are unknown, which is not the same as holding).
/// </summary>
public static class CheckCommand
{
    public const int Violated = 4;
    public static IReadOnlyList<string> Services => Tessera.ServiceDefaults.Hosting.ServiceCatalog.WithInvariants;
    private const int ShownViolations = 10;

    public static async Task<int> RunAsync(ApiClient api, CancellationToken cancellationToken)
    {
        var table = new Table().AddColumns("Service", "Invariant", "Checked", "Result");
        var (broken, unknown) = (0, 0);
        var details = new List<string>();
        foreach (var service in Services)
        {
            using var response = await api.GetAsync($"/api/{service}/consistency", cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                unknown++;
                table.AddRow(service, "—", "—", $"[yellow]not checked: {Markup.Escape(await ApiClient.Describe(response))}[/]");
                continue;
            }
            var report = await api.ReadAsync<JsonElement>(response, cancellationToken);
            foreach (var invariant in report.GetProperty("invariants").EnumerateArray())
            {
                var id = invariant.GetProperty("id").GetString()!;
                var holds = invariant.GetProperty("holds").GetBoolean();
                var violations = invariant.GetProperty("violationCount").GetInt32();
                table.AddRow(service, Markup.Escape($"{id} {invariant.GetProperty("description").GetString()}"),
                    invariant.GetProperty("checked").GetInt32().ToString("N0", CultureInfo.InvariantCulture),
                    holds ? "[green]holds[/]" : $"[red]{violations:N0} violations[/]");
                if (holds)
                    continue;
                broken++;
                details.AddRange(invariant.GetProperty("violations").EnumerateArray().Take(ShownViolations)
                    .Select(v => $"{service} {id} {v.GetProperty("key").GetString()}: {v.GetProperty("detail").GetString()}"));
            }
        }
        AnsiConsole.Write(table);
        foreach (var line in details)
            AnsiConsole.MarkupLine($"[red]{Markup.Escape(line)}[/]");
        return unknown > 0 ? 1 : broken > 0 ? Violated : 0;
    }
}
