using Tessera.Inventory.Data;
using Tessera.Inventory.Features;
using Tessera.Inventory.Ledger;
using Tessera.Inventory.Messaging;
using Tessera.Logistics.Contracts;
using Tessera.Messaging;
using Tessera.Orders.Contracts;
using Tessera.Procurement.Contracts;
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
                .Handle<OrderCancelled, ReleaseStockOnOrderCancelled>()
                .Handle<OrderCompleted, ReleaseStockOnOrderCompleted>())
            .Subscribe("procurement", s => s
                .Handle<GoodsReceived, PostGoodsReceipt>()
                .Handle<SupplierReturnShipped, IssueSupplierReturn>())
            .Subscribe("logistics", s => s
                .Handle<ShipmentDispatched, IssueDispatchedShipment>()
                .Handle<ReturnToOriginReceived, RestockReturnToOrigin>()
                .Handle<ReturnReceived, RestockCustomerReturn>()));
        builder.Services.AddScoped<StockLedger>();
        builder.Services.AddScoped<ReservationLedger>();
        builder.Services.Configure<ReservationExpiryOptions>(builder.Configuration.GetSection(ReservationExpiryOptions.Section));
        builder.Services.AddSingleton<ReservationExpiryJob>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ReservationExpiryJob>());
        builder.Services.AddServiceClient<CatalogLookup>("catalog");
        builder.Services.AddValidatorsFrom(typeof(InventoryModule).Assembly);
        return builder;
    }

    public static WebApplication MapInventoryApi(this WebApplication app)
    {
        var api = app.MapGroup("/api/inventory");
        var warehouses = api.MapGroup("/warehouses").WithTags("Warehouses");
        Warehouses.Map(warehouses);
        Bins.Map(warehouses, api);
        ReceiveGoods.Map(api.MapGroup("/receipts").WithTags("Receipts"));
        IssueStock.Map(api.MapGroup("/issues").WithTags("Issues"));
        Transfers.Map(api.MapGroup("/transfers").WithTags("Transfers"));
        Counts.Map(api.MapGroup("/counts").WithTags("Counts"));
        ReorderPoints.Map(api.MapGroup("/reorder-points").WithTags("Reorder points"));
        StockQueries.Map(api);
        SourceTotals.Map(api);
        Valuation.Map(api);
        Settings.Map(api);
        Consistency.Map(api);
        return app;
    }
}
