using System.Text.Json;
using Spectre.Console;

namespace Tessera.Cli;

/// <summary>Messages a service parked after failing to handle them: list them, replay them once fixed, or discard them.</summary>
public static class DeadLetterCommands
{
    public static IReadOnlyList<string> Services => Tessera.ServiceDefaults.Hosting.ServiceCatalog.Names;

    /// <summary>The parked messages of one service, or of every service when <paramref name="service"/> is null.</summary>
    public static async Task<int> ListAsync(ApiClient api, string? service, string status, CancellationToken cancellationToken)
    {
        if (service is not null)
            return await ListOneAsync(api, service, status, cancellationToken);
        var failed = 0;
        foreach (var each in Services)
        {
            try
            {
                await ListOneAsync(api, each, status, cancellationToken);
            }
            catch (ApiException ex)
            {
                // One service that cannot answer must not hide the others' parked messages.
                failed++;
                AnsiConsole.MarkupLine($"[red]{Markup.Escape(each)}: {Markup.Escape(ex.Message)}[/]");
            }
        }
        return failed > 0 ? 1 : 0;
    }

    private static async Task<int> ListOneAsync(ApiClient api, string service, string status, CancellationToken cancellationToken)
    {
        using var response = await api.GetAsync($"/api/{service}/messaging/parked?status={status}&pageSize=500", cancellationToken);
        var page = await api.ReadAsync<JsonElement>(response, cancellationToken);
        var items = page.GetProperty("items").EnumerateArray().ToList();
        if (items.Count == 0)
        {
            AnsiConsole.MarkupLine($"No {status} messages in [bold]{service}[/].");
            return 0;
        }

        var table = new Table().AddColumns("Id", "From", "Type", "Aggregate", "Attempts", "Last error");
        foreach (var item in items)
        {
            var error = item.GetProperty("lastError").GetString() ?? "";
            table.AddRow(
                Markup.Escape(item.GetProperty("id").GetString()!),
                Markup.Escape(item.GetProperty("producer").GetString()!),
                Markup.Escape(item.GetProperty("type").GetString()!),
                Markup.Escape(item.GetProperty("aggregateId").GetString()!),
                item.GetProperty("attempts").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture),
                Markup.Escape(error.Split('\n')[0]));
        }
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine($"{items.Count} of {page.GetProperty("total").GetInt32()} {status} messages in [bold]{service}[/] shown.");
        return 0;
    }

    public static async Task<int> ResolveAsync(ApiClient api, string? service, Guid id, string action, CancellationToken cancellationToken)
    {
        if (service is null)
        {
            AnsiConsole.MarkupLine($"[red]Say which service parked message {id}:[/] tessera dead-letters {action} {id} --service <name>");
            return 2;
        }
        using var response = await api.PostAsync($"/api/{service}/messaging/parked/{id}/{action}", null, null, cancellationToken);
        var message = await api.ReadAsync<JsonElement>(response, cancellationToken);
        AnsiConsole.MarkupLine($"Message {id} is now [bold]{message.GetProperty("status").GetString()}[/].");
        return 0;
    }
}
