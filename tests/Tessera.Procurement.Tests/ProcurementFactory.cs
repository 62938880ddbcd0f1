using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Procurement.Data;
using Tessera.Procurement.Features;
using Tessera.Testing;

namespace Tessera.Procurement.Tests;

/// <summary>Procurement in-process, with the catalog and inventory answered by stubs.</summary>
public sealed class ProcurementFactory : ServiceFactory<Program, ProcurementDbContext>
{
    public CatalogStub Catalog { get; } = new();
    public InventoryStub Inventory { get; } = new();

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Tessera:Services:catalog"] = "http://catalog.test",
        ["Tessera:Services:inventory"] = "http://inventory.test",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services =>
        {
            services.AddHttpClient<CatalogSkus>().ConfigurePrimaryHttpMessageHandler(() => Catalog.Handler);
            services.AddHttpClient<InventoryLedger>().ConfigurePrimaryHttpMessageHandler(() => Inventory.Handler);
        });
    }
}
