using Tessera.Logistics.Data;
using Tessera.Logistics.Features;
using Tessera.Logistics.Messaging;
using Tessera.Messaging;
using Tessera.Orders.Contracts;
using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Http;
using Tessera.ServiceDefaults.Validation;

namespace Tessera.Logistics;

public static class LogisticsModule
{
    public static WebApplicationBuilder AddLogistics(this WebApplicationBuilder builder)
    {
        builder.AddServiceDatabase<LogisticsDbContext>(m => m.Add("logistics", typeof(LogisticsDbContext).Assembly));
        builder.AddMessaging<LogisticsDbContext>(m => m
            .Subscribe("orders", s => s
                .Handle<ShipmentsRequested, CreateShipmentsOnShipmentsRequested>()
                .Handle<OrderCancelled, CancelShipmentsOnOrderCancelled>()));
        builder.Services.AddSingleton<WebhookSecrets>();
        builder.Services.AddServiceClient<WarehouseDirectory>("inventory");
        builder.Services.AddValidatorsFrom(typeof(LogisticsModule).Assembly);
        return builder;
    }

    public static WebApplication MapLogisticsApi(this WebApplication app)
    {
        var api = app.MapGroup("/api/logistics");
        Carriers.Map(api.MapGroup("/carriers").WithTags("Carriers"));
        var shipments = api.MapGroup("/shipments").WithTags("Shipments");
        ShipmentQueries.Map(shipments);
        ShipmentBatch.Map(shipments);
        PickShipment.Map(shipments);
        PackShipment.Map(shipments);
        DispatchShipment.Map(shipments);
        ReturnToOrigin.Map(shipments);
        CancelShipment.Map(shipments);
        TrackingWebhook.Map(api.MapGroup("/tracking").WithTags("Tracking"));
        CustomerReturns.Map(api.MapGroup("/returns").WithTags("Returns"));
        Consistency.Map(api);
        return app;
    }
}
