using Tessera.Inventory.Data;
using Tessera.Inventory.Features;
using Tessera.Inventory.Messaging;
using Tessera.Messaging;
using Tessera.Orders.Contracts;
using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Http;
using Tessera.ServiceDefaults.Validation;

namespace Tessera.Inventory;

public static class InventoryModule
{
    public static WebApplicationBuilder AddInventory(this WebApplicationBuilder builder)
    {
        builder.AddServiceDatabase<InventoryDbContext>(m => m.Add("inventory", typeof(InventoryDbContext).Assembly));
        builder.AddMessaging<InventoryDbContext>(m => m
            .Subscribe("orders", s => s
                .Handle<OrderPlaced, ReserveStockOnOrderPlaced>()
                .Handle<OrderChanged, AdjustReservationOnOrderChanged>()
                .Handle<OrderCancelled, ReleaseStockOnOrderCancelled>()));
        builder.Services.AddScoped<ReservationLedger>();
        builder.Services.AddServiceClient<CatalogLookup>("catalog");
        builder.Services.AddValidatorsFrom(typeof(InventoryModule).Assembly);
        return builder;
    }

    public static WebApplication MapInventoryApi(this WebApplication app)
    {
        var api = app.MapGroup("/api/inventory");
        Warehouses.Map(api.MapGroup("/warehouses").WithTags("Warehouses"));
        ReceiveGoods.Map(api.MapGroup("/receipts").WithTags("Receipts"));
        StockQueries.Map(api);
        return app;
    }
}
