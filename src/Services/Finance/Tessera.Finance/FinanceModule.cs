using Tessera.Finance.Data;
using Tessera.Finance.Domain;
using Tessera.Finance.Features;
using Tessera.Finance.Ledger;
using Tessera.Finance.Messaging;
using Tessera.Inventory.Contracts;
using Tessera.Logistics.Contracts;
using Tessera.Messaging;
using Tessera.Orders.Contracts;
using Tessera.Procurement.Contracts;
using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Http;
using Tessera.ServiceDefaults.Validation;

namespace Tessera.Finance;

public static class FinanceModule
{
    /// <summary>Where the chart templates are: Charts/ beside the service, or Tessera:Finance:Charts.</summary>
    public const string ChartsSetting = "Tessera:Finance:Charts";

    public static WebApplicationBuilder AddFinance(this WebApplicationBuilder builder)
    {
        builder.AddServiceDatabase<FinanceDbContext>(m => m.Add("finance", typeof(FinanceDbContext).Assembly));
        builder.AddMessaging<FinanceDbContext>(m => m
            .Subscribe("inventory", s => s
                .Handle<StockReceived, PostStockMovements>()
                .Handle<StockIssued, PostStockMovements>()
                .Handle<StockReturned, PostStockMovements>()
                .Handle<StockAdjusted, PostStockMovements>()
                .Handle<TransferShipped, PostStockMovements>())
            .Subscribe("orders", s => s
                .Handle<OrderPlaced, RememberOrderPrices>()
                .Handle<OrderLinesChanged, RememberOrderPrices>())
            .Subscribe("logistics", s => s
                .Handle<ShipmentDelivered, FollowDeliveries>()
                .Handle<ReturnReceived, FollowDeliveries>())
            .Subscribe("procurement", s => s
                .Handle<PurchaseOrderApproved, FollowPurchases>()
                .Handle<GoodsReceived, FollowPurchases>()));
        // Loaded now, not on first use: a broken template stops the start with its file and line named.
        var charts = ChartCatalog.Load(builder.Configuration[ChartsSetting] ?? Path.Combine(AppContext.BaseDirectory, "Charts"));
        builder.Services.AddSingleton(charts);
        builder.Services.AddSingleton<RuleCache>();
        builder.Services.AddSingleton<BooksCache>();
        builder.Services.AddScoped<PreparedStatements>();
        builder.Services.AddScoped<LedgerBooks>();
        builder.Services.AddScoped<JournalWriter>();
        builder.Services.AddScoped<RulePoster>();
        builder.Services.AddScoped<Settlement>();
        builder.Services.AddScoped<BillApproval>();
        builder.Services.AddServiceClient<InventoryClient>("inventory");
        builder.Services.AddValidatorsFrom(typeof(FinanceModule).Assembly);
        return builder;
    }

    public static WebApplication MapFinanceApi(this WebApplication app)
    {
        var api = app.MapGroup("/api/finance");
        LedgerSettings.Map(api);
        Accounts.Map(api);
        Entries.Map(api);
        PostingRulesApi.Map(api);
        Invoices.Map(api);
        Payments.Map(api);
        Bills.Map(api);
        Periods.Map(api);
        Reports.Map(api);
        Ageing.Map(api);
        InventoryValuation.Map(api);
        Audit.Map(api);
        Consistency.Map(api);
        return app;
    }
}
