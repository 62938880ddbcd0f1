using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Inventory.Data;
using Tessera.Inventory.Features;
using Tessera.Testing;

namespace Tessera.Inventory.Tests;

/// <summary>Inventory in-process, with the catalog answered by a stub.</summary>
public sealed class InventoryFactory : ServiceFactory<Program, InventoryDbContext>
{
    public CatalogStub Catalog { get; } = new();

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Tessera:Services:catalog"] = "http://catalog.test",
        // Lapsed reservations are looked for often, so that a test sees one released within a moment.
        ["Tessera:Inventory:ReservationExpiry:Interval"] = "00:00:00.200",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddHttpClient<CatalogLookup>().ConfigurePrimaryHttpMessageHandler(() => Catalog.Handler));
    }
}
