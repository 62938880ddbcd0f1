using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Tessera.Procurement.Contracts;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;
using Tessera.Web.Data;

namespace Tessera.Web.Tests;

/// <summary>
/// The front-end in front of a scripted "procurement" on loopback that answers every list and record the purchasing
/// pages read with one sample each; catalog and inventory are down, so the pages compose without their names.
/// </summary>
public sealed class ProcurementUpFactory : ServiceFactory<Program, WebDbContext>, IAsyncLifetime
{
    public const string AdminPassword = "demo-password-123";
    private readonly int _port = Ports.Free();
    private WebApplication? _procurement;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Tessera:Bootstrap:AdminPassword"] = AdminPassword,
        ["Tessera:RateLimit:SignInPerMinute"] = "1000",
        ["Tessera:Services:catalog"] = $"http://127.0.0.1:{Ports.Free()}",
        ["Tessera:Services:inventory"] = $"http://127.0.0.1:{Ports.Free()}",
        ["Tessera:Services:orders"] = $"http://127.0.0.1:{Ports.Free()}",
        ["Tessera:Services:procurement"] = $"http://127.0.0.1:{_port}",
        ["Tessera:Services:logistics"] = $"http://127.0.0.1:{Ports.Free()}",
    };

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{_port}");
        _procurement = builder.Build();
        ProcurementSamples.Map(_procurement);
        await _procurement.StartAsync();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        if (_procurement is not null)
            await _procurement.DisposeAsync();
    }
}

public static class ProcurementSamples
{
    public static readonly Guid SupplierId = Guid.Parse("0196a3c4-0000-7000-8000-0000000000a1");
    public static readonly Guid OrderId = Guid.Parse("0196a3c4-0000-7000-8000-0000000000b1");
    public static readonly Guid ReceiptId = Guid.Parse("0196a3c4-0000-7000-8000-0000000000c1");
    public static readonly Guid ReturnId = Guid.Parse("0196a3c4-0000-7000-8000-0000000000d1");
    private static readonly DateTimeOffset At = new(2026, 3, 2, 9, 30, 0, TimeSpan.Zero);

    public static readonly SupplierDto Supplier = new(SupplierId, "BEANS", "Highland Beans", "0312345678",
        new SupplierContactDto("Le Thi Mai", "0903111222", "mai@beans.vn", new SupplierAddressDto("5 Le Loi", null, null, "District 1", "HCMC", null, null, "VN")),
        30, "VND", true, 3, At, At);

    public static readonly PurchaseOrderDto Order = new(OrderId, "PO-000042", SupplierId, "BEANS", "Highland Beans", "HCM", "VND", PurchaseOrderStatus.PartiallyReceived,
        "reorder", "Quote 7", new DateOnly(2026, 3, 10),
        [new PurchaseOrderLineDto(1, "COF-1", 10m, 250_000m, 0.1m, 2_500_000m, 250_000m, 2_750_000m, 6m, 1m, 2m, 4m)],
        2_500_000m, 250_000m, 2_750_000m,
        [new PurchaseOrderStatusChangeDto(PurchaseOrderStatus.Draft, At, "reorder", "Reorder suggestions for HCM"),
         new PurchaseOrderStatusChangeDto(PurchaseOrderStatus.Approved, At, "buyer", null),
         new PurchaseOrderStatusChangeDto(PurchaseOrderStatus.PartiallyReceived, At, "clerk", "Goods receipt GR-000007")],
        5, At, "reorder", At);

    public static readonly GoodsReceiptDto Receipt = new(ReceiptId, "GR-000007", OrderId, "PO-000042", SupplierId, "Highland Beans", "HCM", "VND", "DN-991",
        [new GoodsReceiptLineDto(1, 1, "COF-1", 6m, 1m, "Torn bag", 250_000m, 2m)], At, "clerk", ReceiptPostingStatus.Posted, At);

    public static readonly SupplierReturnDto Return = new(ReturnId, "SR-000003", SupplierId, "Highland Beans", OrderId, "PO-000042", ReceiptId, "GR-000007", "HCM", "VND",
        "Mouldy beans", SupplierReturnStatus.Refused, "Not enough stock: COF-1 (to return 2, in stock 1)",
        [new SupplierReturnLineDto(1, "COF-1", 2m, 250_000m, 500_000m)], 500_000m, At, "clerk", At, At, 3);

    public static void Map(WebApplication app)
    {
        static IResult Json(object value) => Results.Text(JsonSerializer.Serialize(value, TesseraJson.Options), "application/json");
        static PagedResult<T> Page<T>(params T[] items) => new(items, 1, 50, items.Length);

        app.MapGet("/api/procurement/suppliers", () => Json(Page(Supplier)));
        app.MapGet("/api/procurement/suppliers/{id:guid}", (Guid id) => id == SupplierId ? Json(Supplier) : Results.NotFound());
        app.MapGet("/api/procurement/supplier-prices", () => Json(Page(
            new SupplierPriceDto(Guid.NewGuid(), SupplierId, "BEANS", "Highland Beans", "COF-1", 250_000m, "VND", 10m, 5, new DateOnly(2026, 1, 1), null, true, 1, At))));
        app.MapGet("/api/procurement/purchase-orders", () => Json(Page(new PurchaseOrderSummaryDto(OrderId, Order.Number, SupplierId, "BEANS", "Highland Beans", "HCM", "VND",
            Order.Status, "reorder", 1, Order.Total, Order.ExpectedDate, At, At))));
        app.MapGet("/api/procurement/purchase-orders/{id:guid}", (Guid id) => id == OrderId ? Json(Order) : Results.NotFound());
        app.MapGet("/api/procurement/receipts", () => Json(Page(Receipt)));
        app.MapGet("/api/procurement/receipts/{id:guid}", (Guid id) => id == ReceiptId ? Json(Receipt) : Results.NotFound());
        app.MapGet("/api/procurement/supplier-returns", () => Json(Page(Return)));
        app.MapGet("/api/procurement/supplier-returns/{id:guid}", (Guid id) => id == ReturnId ? Json(Return) : Results.NotFound());
        app.MapGet("/api/procurement/reorder-suggestions", () => Json(Page(
            new ReorderSuggestionDto(Guid.NewGuid(), "COF-1", "HCM", 12m, 3m, 15m, 10m, ReorderSuggestionStatus.Open, SupplierId, "Highland Beans", OrderId, "PO-000042",
                250_000m, "VND", null, At, At),
            new ReorderSuggestionDto(Guid.NewGuid(), "TEA-9", "HN", 20m, 0m, 5m, 20m, ReorderSuggestionStatus.NoSupplier, null, null, null, null, null, null, null, At, At))));
        app.MapGet("/api/procurement/settings", () => Json(new ProcurementSettingsDto(5m, 2)));
    }
}
