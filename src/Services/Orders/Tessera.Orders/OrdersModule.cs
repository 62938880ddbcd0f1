using Tessera.Catalog.Contracts;
using Tessera.Inventory.Contracts;
using Tessera.Logistics.Contracts;
using Tessera.Messaging;
using Tessera.Orders.Archive;
using Tessera.Orders.Customers;
using Tessera.Orders.Data;
using Tessera.Orders.Features;
using Tessera.Orders.Fulfilment;
using Tessera.Orders.Import;
using Tessera.Orders.Messaging;
using Tessera.Orders.Privacy;
using Tessera.Orders.Search;
using Tessera.Orders.Contracts;
using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Http;
using Tessera.ServiceDefaults.Security;
using Tessera.ServiceDefaults.Validation;

namespace Tessera.Orders;

public static class OrdersModule
{
    public static WebApplicationBuilder AddOrders(this WebApplicationBuilder builder)
    {
        builder.AddServiceDatabase<OrdersDbContext>(m => m.Add("orders", typeof(OrdersDbContext).Assembly));
        builder.AddSecondaryDatabase<OrdersArchiveDbContext>("orders-archive", m => m.Add("orders-archive", typeof(OrdersDbContext).Assembly, "archive-migrations"));
        builder.Services.Configure<ArchiveOptions>(builder.Configuration.GetSection(ArchiveOptions.Section));
        builder.Services.AddScoped<OrderArchive>();
        builder.Services.AddHostedService<ArchiveJob>();
        builder.Services.AddSingleton<ReencryptionSignal>();
        builder.Services.AddHostedService<ReencryptionJob>();
        builder.AddMessaging<OrdersDbContext>(m => m
            .Subscribe("inventory", s => s
                .Handle<StockReserved, ConfirmOrderOnStockReserved>()
                .Handle<StockReservationFailed, RejectOrderOnReservationFailed>()
                .Handle<StockReleased, NoteStockReleased>()
                .Handle<ReservationAdjusted, ApplyLineChange>()
                .Handle<ReservationAdjustmentFailed, RefuseLineChange>()
                .Handle<StockIssued, FollowStockMovements>()
                .Handle<StockReturned, FollowStockMovements>()
                .Handle<StockIssueFailed, FollowStockMovements>()
                .Handle<ReservationExpired, CancelOrderOnReservationExpired>())
            .Subscribe("logistics", s => s
                .Handle<ShipmentCreated, FollowShipments>()
                .Handle<ShipmentPicked, FollowShipments>()
                .Handle<ShipmentPacked, FollowShipments>()
                .Handle<ShipmentDispatched, MarkOrderDispatched>()
                .Handle<ShipmentTransitStarted, FollowShipments>()
                .Handle<ShipmentDelivered, FollowShipments>()
                .Handle<DeliveryFailed, FollowShipments>()
                .Handle<ReturnToOriginReceived, FollowShipments>()
                .Handle<ShipmentCancelled, FollowShipments>()
                .Handle<ShipmentCancellationFailed, FollowShipments>()
                .Handle<ReturnAuthorized, FollowCustomerReturns>()
                .Handle<ReturnReceived, FollowCustomerReturns>())
            .Subscribe("catalog", s => s
                .Handle<ProductCreated, RememberProduct>()
                .Handle<ProductChanged, RememberProduct>()));
        // The search is written with the orders it shows (OrderSearchProjection); this finishes what its former
        // subscription to the service's own events left behind.
        builder.Services.AddHostedService<SearchCatchUp>();
        builder.Services.Configure<FulfilmentOptions>(builder.Configuration.GetSection(FulfilmentOptions.Section));
        builder.Services.AddScoped<FulfilmentProcess>();
        builder.Services.AddHostedService<DeadlineJob>();
        builder.Services.AddPersonalDataProtection();
        builder.Services.AddSingleton<OrderPrivacy>();
        builder.Services.AddSingleton<CustomerPrivacy>();
        builder.Services.AddScoped<CustomerDirectory>();
        builder.Services.AddScoped<OrderComposer>();
        builder.Services.AddScoped<ExternalReferences>();
        builder.Services.Configure<ImportOptions>(builder.Configuration.GetSection(ImportOptions.Section));
        builder.Services.AddSingleton<ImportFileStore>();
        builder.Services.AddSingleton<ImportSignal>();
        builder.Services.AddSingleton<ImportProcessor>();
        builder.Services.AddHostedService<ImportWorker>();
        builder.Services.AddServiceClient<CatalogProducts>("catalog");
        builder.Services.AddScoped<ProductDirectory>();
        builder.Services.AddValidatorsFrom(typeof(OrdersModule).Assembly);
        return builder;
    }

    public static WebApplication MapOrdersApi(this WebApplication app)
    {
        var orders = app.MapGroup("/api/orders").WithTags("Orders");
        PlaceOrder.Map(orders);
        GetOrder.Map(orders);
        ListOrders.Map(orders);
        CancelOrder.Map(orders);
        ChangeOrder.Map(orders);
        AttributeDefinitions.Map(orders.MapGroup("/attributes").WithTags("Order attributes"));
        DailyOrders.Map(orders);
        FulfilmentAlerts.Map(orders);
        SearchOrders.Map(orders);
        PersonalDataEndpoints.Map(orders);
        ImportEndpoints.Map(orders);
        CustomerEndpoints.Map(orders);
        BulkOrders.Map(orders);
        ExportOrders.Map(orders);
        return app;
    }
}
