using Tessera.Catalog.Contracts;
using Tessera.Inventory.Contracts;
using Tessera.Logistics.Contracts;
using Tessera.Messaging;
using Tessera.Orders.Data;
using Tessera.Orders.Features;
using Tessera.Orders.Messaging;
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
        builder.AddMessaging<OrdersDbContext>(m => m
            .Subscribe("inventory", s => s
                .Handle<StockReserved, ConfirmOrderOnStockReserved>()
                .Handle<StockReservationFailed, RejectOrderOnReservationFailed>()
                .Handle<StockReleased, NoteStockReleased>()
                .Handle<ReservationAdjusted, ApplyLineChange>()
                .Handle<ReservationAdjustmentFailed, RefuseLineChange>())
            .Subscribe("logistics", s => s
                .Handle<ShipmentDispatched, MarkOrderDispatched>())
            .Subscribe("catalog", s => s
                .Handle<ProductCreated, RememberProduct>()
                .Handle<ProductChanged, RememberProduct>()));
        builder.Services.AddPersonalDataProtection();
        builder.Services.AddSingleton<OrderPrivacy>();
        builder.Services.AddScoped<OrderComposer>();
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
        return app;
    }
}
