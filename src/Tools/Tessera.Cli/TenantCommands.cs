using System.Net;
using System.Text.Json;
using Spectre.Console;

namespace Tessera.Cli;

/// <summary>Operator commands: a tenant is created with its first administrator and its books (--chart) through the authenticated API.</summary>
public static class TenantCommands
{
    public static async Task<int> CreateAsync(ApiClient api, string id, string name, string adminUsername, string adminPassword,
        string? timeZone, string? currency, string? chart, CancellationToken cancellationToken)
    {
        using var response = await api.PostAsync("/api/tenants", new
        {
            id,
            name,
            admin = new { username = adminUsername, password = adminPassword },
            timeZone,
            currency,
            chart,
        }, null, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Forbidden)
            throw new ApiException(response.StatusCode, "Only an operator may create tenants; sign in as the installation's first administrator.");
        var created = await api.ReadAsync<JsonElement>(response, cancellationToken);
        AnsiConsole.MarkupLine($"Tenant [bold]{Markup.Escape(created.GetProperty("id").GetString()!)}[/] created " +
                               $"({Markup.Escape(created.GetProperty("timeZone").GetString()!)}, {Markup.Escape(created.GetProperty("currency").GetString()!)}); " +
                               $"its administrator is [bold]{Markup.Escape(adminUsername)}[/].");
        if (created.TryGetProperty("chart", out var books) && books.GetString() is { } chartName)
            AnsiConsole.MarkupLine($"Its books keep the chart of accounts [bold]{Markup.Escape(chartName)}[/].");
        return 0;
    }
}
