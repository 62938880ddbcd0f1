using System.Net;
using System.Text.Json;
using Spectre.Console;

namespace Tessera.Cli;

/// <summary>
/// tessera keys status|rotate: the keys protecting customers' personal data (operators only). A rotation makes a new key
/// current at once; orders written before stay readable and are re-encrypted in the background.
/// </summary>
public static class KeysCommands
{
    private const string Path = "/api/orders/personal-data";

    public static async Task<int> StatusAsync(ApiClient api, CancellationToken cancellationToken)
    {
        using var response = await api.GetAsync(Path, cancellationToken);
        Print(await ReadAsync(api, response, cancellationToken));
        return 0;
    }

    public static async Task<int> RotateAsync(ApiClient api, CancellationToken cancellationToken)
    {
        using var response = await api.PostAsync(Path + "/rotate-key", null, null, cancellationToken);
        var status = await ReadAsync(api, response, cancellationToken);
        AnsiConsole.MarkupLine($"Key [bold]{status.GetProperty("currentKeyVersion").GetInt32()}[/] is now current: new orders use it; " +
                               "existing orders are re-encrypted in the background (tessera keys status shows the progress).");
        Print(status);
        return 0;
    }

    private static async Task<JsonElement> ReadAsync(ApiClient api, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.StatusCode == HttpStatusCode.Forbidden)
            throw new ApiException(response.StatusCode, "Only an operator may manage personal data keys; sign in as the installation's first administrator.");
        return await api.ReadAsync<JsonElement>(response, cancellationToken);
    }

    private static void Print(JsonElement status)
    {
        var current = status.GetProperty("currentKeyVersion").GetInt32();
        var table = new Table().AddColumns("Key version", "Orders", "Archived orders");
        foreach (var usage in status.GetProperty("usage").EnumerateArray())
        {
            var version = usage.GetProperty("keyVersion").GetInt32();
            table.AddRow(version == current ? $"[bold]{version} (current)[/]" : version.ToString(System.Globalization.CultureInfo.InvariantCulture),
                usage.GetProperty("orders").GetInt32().ToString("N0", System.Globalization.CultureInfo.InvariantCulture),
                usage.GetProperty("archivedOrders").GetInt32().ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
        }
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine(status.GetProperty("reencryptionDone").GetBoolean()
            ? "Every order is protected by the current key."
            : "[yellow]Re-encryption is in progress:[/] some orders are still protected by an older key (they read fine).");
    }
}
