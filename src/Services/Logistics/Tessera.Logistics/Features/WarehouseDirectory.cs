using System.Net;

namespace Tessera.Logistics.Features;

/// <summary>
/// Asks inventory whether a warehouse exists, so that returned goods are never announced for a warehouse inventory
/// cannot stock them in. Inventory being down surfaces as "Inventory is unavailable" (503) and nothing is saved.
/// </summary>
public sealed class WarehouseDirectory(HttpClient http)
{
    public async Task<bool> ExistsAsync(string code, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync($"/api/inventory/warehouses/{Uri.EscapeDataString(code)}", cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
            return false;
        response.EnsureSuccessStatusCode();
        return true;
    }
}
