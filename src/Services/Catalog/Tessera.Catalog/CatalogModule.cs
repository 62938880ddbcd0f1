using Tessera.Catalog.Data;
using Tessera.Catalog.Features;
using Tessera.Messaging;
using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Validation;

namespace Tessera.Catalog;

public static class CatalogModule
{
    public static WebApplicationBuilder AddCatalog(this WebApplicationBuilder builder)
    {
        builder.AddServiceDatabase<CatalogDbContext>(m => m.Add("catalog", typeof(CatalogDbContext).Assembly));
        builder.AddMessaging<CatalogDbContext>();
        builder.Services.AddValidatorsFrom(typeof(CatalogModule).Assembly);
        return builder;
    }

    public static WebApplication MapCatalogApi(this WebApplication app)
    {
        var products = app.MapGroup("/api/catalog/products").WithTags("Products");
        CreateProduct.Map(products);
        UpdateProduct.Map(products);
        GetProduct.Map(products);
        ListProducts.Map(products);
        ListProducts.MapCategories(app.MapGroup("/api/catalog"));
        return app;
    }
}
