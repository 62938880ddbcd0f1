using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Orders.Data;
using Tessera.Orders.Features;
using Tessera.Testing;

namespace Tessera.Orders.Tests;

/// <summary>Orders in-process, with the catalog answered by a stub.</summary>
public class OrdersFactory : ServiceFactory<Program, OrdersDbContext>
{
    public CatalogStub Catalog { get; } = new();

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(ExtraSettings)
    {
        ["Tessera:Services:catalog"] = "http://catalog.test",
    };

    protected virtual IDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddHttpClient<CatalogProducts>().ConfigurePrimaryHttpMessageHandler(() => Catalog.Handler));
    }
}

/// <summary>Orders on a SQLite file whatever the test profile: for tests about SQLite itself (its query plans).</summary>
public sealed class SqliteOrdersFactory : OrdersFactory
{
    protected override IDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        ["Tessera:Database:Provider"] = "sqlite",
        ["Tessera:Database:ConnectionString"] = "",
    };
}
