using System.Net;
using System.Text.Json;
using Spectre.Console;

namespace Tessera.Cli;

/// <summary>
/// tessera keys status|rotate: the keys protecting personal data — customers' in orders, supplier contacts in procurement —
/// (operators only). A rotation makes a new key current at once; rows written before stay readable and are re-encrypted
/// in the background by each service.
/// </summary>
public static class KeysCommands
{
    private const string Path = "/api/orders/personal-data";
    private const string SuppliersPath = "/api/procurement/personal-data";

    public static async Task<int> StatusAsync(ApiClient api, CancellationToken cancellationToken)
    {
        using var response = await api.GetAsync(Path, cancellationToken);
        Print(await ReadAsync(api, response, cancellationToken), await SuppliersAsync(api, cancellationToken));
        return 0;
    }

    public static async Task<int> RotateAsync(ApiClient api, CancellationToken cancellationToken)
    {
        using var response = await api.PostAsync(Path + "/rotate-key", null, null, cancellationToken);
        var status = await ReadAsync(api, response, cancellationToken);
        AnsiConsole.MarkupLine($"Key [bold]{status.GetProperty("currentKeyVersion").GetInt32()}[/] is now current: new orders and supplier contacts use it; " +
                               "existing ones are re-encrypted in the background (tessera keys status shows the progress).");
        Print(status, await SuppliersAsync(api, cancellationToken));
        return 0;
    }

    private static async Task<JsonElement> ReadAsync(ApiClient api, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.StatusCode == HttpStatusCode.Forbidden)
            throw new ApiException(response.StatusCode, "Only an operator may manage personal data keys; sign in as the installation's first administrator.");
        return await api.ReadAsync<JsonElement>(response, cancellationToken);
    }

    /// <summary>Procurement's side (supplier contacts), or null when procurement cannot say right now.</summary>
    private static async Task<JsonElement?> SuppliersAsync(ApiClient api, CancellationToken cancellationToken)
    {
        using var response = await api.GetAsync(SuppliersPath, cancellationToken);
        if (response.IsSuccessStatusCode)
            return await api.ReadAsync<JsonElement>(response, cancellationToken);
        AnsiConsole.MarkupLine($"[yellow]Procurement did not answer ({(int)response.StatusCode}): supplier contacts are not counted below.[/]");
        return null;
    }

    private static void Print(JsonElement orders, JsonElement? suppliers)
    {
        var current = orders.GetProperty("currentKeyVersion").GetInt32();
        // The current key has its row even while it protects nothing yet.
        var byVersion = new SortedDictionary<int, (int Orders, int Archived, int Suppliers)> { [current] = (0, 0, 0) };
        foreach (var usage in orders.GetProperty("usage").EnumerateArray())
            byVersion[usage.GetProperty("keyVersion").GetInt32()] = (usage.GetProperty("orders").GetInt32(), usage.GetProperty("archivedOrders").GetInt32(), 0);
        if (suppliers is { } contacts)
            foreach (var usage in contacts.GetProperty("usage").EnumerateArray())
            {
                var version = usage.GetProperty("keyVersion").GetInt32();
                byVersion[version] = byVersion.GetValueOrDefault(version) with { Suppliers = usage.GetProperty("suppliers").GetInt32() };
            }

        var table = new Table().AddColumns("Key version", "Orders", "Archived orders", "Supplier contacts");
        foreach (var (version, count) in byVersion)
            table.AddRow(version == current ? $"[bold]{version} (current)[/]" : Number(version), Number(count.Orders), Number(count.Archived),
                suppliers is null ? "?" : Number(count.Suppliers));
        AnsiConsole.Write(table);
        var done = orders.GetProperty("reencryptionDone").GetBoolean() && suppliers?.GetProperty("reencryptionDone").GetBoolean() != false;
        AnsiConsole.MarkupLine(done
            ? "Every order and supplier contact is protected by the current key."
            : "[yellow]Re-encryption is in progress:[/] some rows are still protected by an older key (they read fine).");
    }

    private static string Number(int value) => value.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
}
