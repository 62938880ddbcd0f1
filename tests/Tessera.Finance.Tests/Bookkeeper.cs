using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Tessera.Finance.Contracts;
using Tessera.Inventory.Contracts;
using Tessera.Logistics.Contracts;
using Tessera.Messaging.Inbox;
using Tessera.Orders.Contracts;
using Tessera.Procurement.Contracts;
using PaymentDto = Tessera.Finance.Contracts.PaymentDto;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;

namespace Tessera.Finance.Tests;

/// <summary>
/// One tenant's books under test: the events other services would publish, delivered into finance's inbox with the
/// moment they happened, and the API as an accountant (or any role) calls it.
/// </summary>
public sealed class Bookkeeper(FinanceFactory factory, string? tenant = null)
{
    public string Tenant { get; } = tenant ?? "books-" + Guid.NewGuid().ToString("N")[..8];

    public FinanceFactory Factory => factory;

    public HttpClient Accountant => As("accountant");

    public HttpClient As(params string[] roles) => factory.ClientFor(Tenant, roles);

    public static DateTimeOffset At(string local) =>
        new(DateTime.ParseExact(local, "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture), TimeSpan.FromHours(7));

    public async Task<Guid> DeliverAsync<TEvent>(string producer, string aggregateId, TEvent @event, string at, Guid? messageId = null) where TEvent : class
    {
        var id = await factory.DeliverAsync(producer, Tenant, aggregateId, @event, messageId, At(at));
        await factory.WaitForInboxAsync();
        await NothingParkedAsync();
        return id;
    }

    public async Task NothingParkedAsync()
    {
        var parked = await factory.QueryAsync(null, db => db.Set<InboxMessage>().Where(m => m.Tenant == Tenant && m.Status == InboxStatus.Parked)
            .Select(m => m.Type + ": " + m.LastError).ToListAsync());
        parked.ShouldBeEmpty();
    }

    public async Task<T> GetAsync<T>(string url, HttpClient? client = null)
    {
        var response = await (client ?? Accountant).GetAsync(url);
        return await response.ReadAsync<T>();
    }

    public async Task<T> PostAsync<T>(string url, object body, HttpClient? client = null)
    {
        var response = await (client ?? Accountant).PostJsonAsync(url, body);
        return await response.ReadAsync<T>();
    }

    // ---- what other services publish ----

    public Task PurchaseOrderAsync(Guid id, string number, Guid supplier, string warehouse, string at, params (string Sku, decimal Quantity, decimal Price)[] lines) =>
        DeliverAsync("procurement", id.ToString(), new PurchaseOrderApproved(id, number, supplier, warehouse, "VND",
            lines.Select((l, i) => new Procurement.Contracts.PurchaseOrderLine(i + 1, l.Sku, l.Quantity, l.Price)).ToList(), At(at)), at);

    /// <summary>Procurement's receipt and inventory's purchase-in for it, at the PO price.</summary>
    public async Task ReceiveAsync(Guid purchaseOrder, string number, string warehouse, string at, params (int LineNo, string Sku, decimal Quantity, decimal Cost)[] lines)
    {
        var receipt = Guid.CreateVersion7();
        await DeliverAsync("procurement", purchaseOrder.ToString(), new GoodsReceived(receipt, number, purchaseOrder, "PO", Guid.Empty, warehouse, "VND",
            lines.Select(l => new ReceivedLine(l.LineNo, l.Sku, l.Quantity, 0, l.Cost)).ToList(), At(at)), at);
        await DeliverAsync("inventory", purchaseOrder.ToString(), new StockReceived(receipt, warehouse,
            lines.Select(l => new ReceiptLineDto(l.Sku, l.Quantity, l.Cost)).ToList(), "goods-receipt", purchaseOrder,
            lines.Select(l => new MovedLine(l.Sku, l.Quantity, l.Cost, l.Quantity * l.Cost)).ToList()), at);
    }

    public Task OrderAsync(Guid order, long number, string at, decimal shippingFee, params (string Sku, decimal Quantity, decimal Price, decimal TaxRate)[] lines)
    {
        var priced = lines.Select((l, i) =>
        {
            var net = l.Quantity * l.Price;
            var tax = Math.Round(net * l.TaxRate, 0, MidpointRounding.AwayFromZero);
            return new PricedOrderLine(i + 1, l.Sku, l.Quantity, l.Price, 0, 0, l.TaxRate, tax, net + tax);
        }).ToList();
        return DeliverAsync("orders", order.ToString(), new OrderPlaced(order, number, "web",
            lines.Select((l, i) => new OrderedLine(i + 1, l.Sku, l.Quantity)).ToList(), At(at), null,
            new OrderPricingDto("VND", priced, shippingFee, 0, priced.Sum(p => p.TaxAmount), priced.Sum(p => p.LineTotal) + shippingFee)), at);
    }

    public Task DispatchAsync(Guid order, Guid shipment, string warehouse, string at, params (string Sku, decimal Quantity, decimal Value)[] lines) =>
        DeliverAsync("inventory", order.ToString(), new StockIssued("sales-out", "shipment", shipment.ToString(), warehouse, order,
            lines.Select(l => new MovedLine(l.Sku, l.Quantity, l.Value / l.Quantity, l.Value)).ToList(), At(at)), at);

    public Task DeliveredAsync(Guid order, Guid shipment, string warehouse, string at, params (string Sku, decimal Quantity)[] lines) =>
        DeliverAsync("logistics", order.ToString(), new ShipmentDelivered(shipment, order, warehouse, lines.Select(l => new ShippedLine(l.Sku, l.Quantity)).ToList(),
            At(at)), at);

    public Task ReturnedToOriginAsync(Guid order, Guid shipment, string warehouse, string at, params (string Sku, decimal Quantity, decimal Value)[] lines) =>
        DeliverAsync("inventory", order.ToString(), new StockReturned("customer-return-in", "shipment", shipment.ToString(), warehouse, order,
            lines.Select(l => new MovedLine(l.Sku, l.Quantity, l.Value / l.Quantity, l.Value)).ToList(), At(at)), at);

    /// <summary>Logistics' return received and inventory's customer-return-in of its restocked lines, at the cost they left at.</summary>
    public async Task CustomerReturnAsync(Guid order, string number, string warehouse, string at, params (string Sku, decimal Quantity, decimal Value)[] lines)
    {
        var id = Guid.CreateVersion7();
        await DeliverAsync("logistics", order.ToString(), new ReturnReceived(id, number, order, warehouse,
            lines.Select(l => new ReturnedLine(l.Sku, l.Quantity, "restock")).ToList(), At(at)), at);
        await DeliverAsync("inventory", order.ToString(), new StockReturned("customer-return-in", "customer-return", id.ToString(), warehouse, order,
            lines.Select(l => new MovedLine(l.Sku, l.Quantity, l.Value / l.Quantity, l.Value)).ToList(), At(at)), at);
    }

    public Task CountAsync(string warehouse, string at, params (string Sku, decimal Expected, decimal Counted, decimal UnitCost)[] lines)
    {
        var id = Guid.CreateVersion7();
        return DeliverAsync("inventory", id.ToString(), new StockAdjusted(id, warehouse,
            lines.Select(l => new CountDifferenceLine(l.Sku, null, l.Expected, l.Counted, l.Counted - l.Expected, l.UnitCost, (l.Counted - l.Expected) * l.UnitCost,
                "count")).ToList(), At(at)), at);
    }

    // ---- what people do ----

    public async Task<BillDto> BillAsync(Guid purchaseOrder, string supplierInvoice, string date, params (int LineNo, decimal Quantity, decimal Price, decimal TaxRate)[] lines)
    {
        var response = await Accountant.PostJsonAsync("/api/finance/bills", new
        {
            purchaseOrderId = purchaseOrder, supplierInvoiceNumber = supplierInvoice, date,
            lines = lines.Select(l => new { lineNo = l.LineNo, quantity = l.Quantity, unitPrice = l.Price, taxRate = l.TaxRate }),
        });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.ReadAsync<BillDto>();
    }

    public async Task<PaymentDto> PayAsync(string kind, decimal amount, string date, string method, params (Guid Document, decimal Amount)[] allocations)
    {
        var response = await Accountant.PostJsonAsync("/api/finance/payments", new
        {
            kind, amount, date, method, allocations = allocations.Select(a => new { documentId = a.Document, amount = a.Amount }),
        });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.ReadAsync<PaymentDto>();
    }

    public async Task<JournalEntryDto> ManualEntryAsync(string date, string description, params (string Account, decimal Debit, decimal Credit)[] lines)
    {
        var response = await Accountant.PostJsonAsync("/api/finance/entries", new
        {
            date, description, lines = lines.Select(l => new { account = l.Account, debit = l.Debit, credit = l.Credit }),
        });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.ReadAsync<JournalEntryDto>();
    }

    public Task<TrialBalanceDto> TrialBalanceAsync(string asOf) => GetAsync<TrialBalanceDto>($"/api/finance/trial-balance?asOf={asOf}");

    public async Task<List<InvoiceDto>> InvoicesAsync(Guid order) =>
        (await Accountant.GetFromJsonAsync<List<InvoiceDto>>($"/api/finance/invoices?orderId={order}", TesseraJson.Options))!;

    public Task<FinanceConsistency> ConsistencyAsync() => GetAsync<FinanceConsistency>("/api/finance/consistency");

    public Task<List<JournalEntryDto>> EntriesAsync(string query) =>
        GetAsync<JournalEntryPageDto>("/api/finance/entries?" + query).ContinueWith(t => t.Result.Items.ToList(), TaskScheduler.Default);
}

/// <summary>GET /api/finance/consistency as a client reads it.</summary>
public sealed record FinanceConsistency(bool Holds, IReadOnlyList<ConsistencyCheckDto> Checks);
