using Tessera.Inventory.Contracts;
using Tessera.Messaging;
using Tessera.Procurement.Data;
using Tessera.Procurement.Features;
using Tessera.Procurement.Messaging;
using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Http;
using Tessera.ServiceDefaults.Security;
using Tessera.ServiceDefaults.Validation;

namespace Tessera.Procurement;

public static class ProcurementModule
{
    public static WebApplicationBuilder AddProcurement(this WebApplicationBuilder builder)
    {
        builder.AddServiceDatabase<ProcurementDbContext>(m => m.Add("procurement", typeof(ProcurementDbContext).Assembly));
        builder.AddMessaging<ProcurementDbContext>(m => m
            .Subscribe("inventory", s => s
                .Handle<StockReceived, MarkReceiptPosted>()
                .Handle<StockIssued, SettleSupplierReturn>()
                .Handle<StockIssueFailed, SettleSupplierReturn>()
                .Handle<StockBelowReorderPoint, SuggestReorder>()));
        builder.Services.AddPersonalDataProtection();
        builder.Services.AddSingleton<SupplierPrivacy>();
        builder.Services.AddSingleton<ContactReencryptionJob>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ContactReencryptionJob>());
        builder.Services.AddScoped<PurchaseOrderComposer>();
        builder.Services.AddServiceClient<CatalogSkus>("catalog");
        builder.Services.AddServiceClient<InventoryLedger>("inventory");
        builder.Services.AddValidatorsFrom(typeof(ProcurementModule).Assembly);
        return builder;
    }

    public static WebApplication MapProcurementApi(this WebApplication app)
    {
        var api = app.MapGroup("/api/procurement");
        Suppliers.Map(api.MapGroup("/suppliers").WithTags("Suppliers"));
        SupplierPrices.Map(api);
        var orders = api.MapGroup("/purchase-orders").WithTags("Purchase orders");
        PurchaseOrders.Map(orders);
        PurchaseOrderTransitions.Map(orders);
        GoodsReceipts.Map(api);
        SupplierReturns.Map(api.MapGroup("/supplier-returns").WithTags("Supplier returns"));
        ReorderSuggestions.Map(api.MapGroup("/reorder-suggestions").WithTags("Reorder suggestions"));
        Settings.Map(api.MapGroup("/settings").WithTags("Settings"));
        Consistency.Map(api);
        ContactKeys.Map(api);
        return app;
    }
}
