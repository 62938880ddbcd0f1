using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Tessera.Logistics.Contracts;
using Tessera.Orders.Contracts;
using Tessera.Procurement.Contracts;
using Tessera.Reporting.Contracts;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;

namespace Tessera.System.Tests.Security;

/// <summary>Personal data that must never be found in plain text at rest: a name, a phone number, an e-mail and a street.</summary>
public sealed record Canary(string Name, string Phone, string Email, string Street)
{
    public static Canary Make(string which, string run)
    {
        var digits = string.Concat(run.Select(c => (char)('0' + c % 10)));
        return new Canary($"Zyxcanary {which}{run} Quốc", "09" + digits[..7] + which[0] % 10, $"zyx.{which}{run}@canary.example", $"{run} Đường {which}canary");
    }

    /// <summary>Every value to look for, and the parts of them a careless encoding would leave readable.</summary>
    public IEnumerable<string> Values => [Name, Phone, Email, Street, Phone[2..], Email.Split('@')[0]];
}

/// <summary>A call the workload made that succeeded: its address, body and the Location it answered with.</summary>
public sealed record RecordedCall(string Method, string Path, string? Body, string? Location);

/// <summary>Keeps every successful call the workload's client makes, so the matrix can reuse tenant A's ids and bodies.</summary>
public sealed class RecordingHandler : DelegatingHandler
{
    public ConcurrentQueue<RecordedCall> Calls { get; } = new();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is StringContent or JsonContent or ByteArrayContent ? await request.Content.ReadAsStringAsync(cancellationToken) : null;
        var response = await base.SendAsync(request, cancellationToken);
        if (response.IsSuccessStatusCode && request.Method != HttpMethod.Get)
            Calls.Enqueue(new RecordedCall(request.Method.Method, request.RequestUri!.AbsolutePath, body, response.Headers.Location?.OriginalString));
        return response;
    }
}

/// <summary>
/// Tenant A's business, one of every kind, through the public port: products, warehouses, stock in and out, transfers,
/// counts, orders placed, changed, cancelled, shipped, delivered and returned, suppliers with contacts, prices,
/// purchase orders received and returned, an import, searches. Customer and contact fields carry canaries.
/// </summary>
public sealed class Workload(HttpClient client, Uri publicUrl)
{
    private readonly string _run = Guid.NewGuid().ToString("N")[..8];

    public List<Canary> Canaries { get; } = [];
    public string Sku { get; private set; } = "";
    public string Warehouse { get; private set; } = "";

    private static string Unique(string prefix) => Api.Unique(prefix);

    private async Task<T> CreatedAsync<T>(Task<HttpResponseMessage> call, HttpStatusCode expected = HttpStatusCode.Created)
    {
        var response = await call;
        response.StatusCode.ShouldBe(expected, await response.Content.ReadAsStringAsync());
        return await response.ReadAsync<T>();
    }

    private async Task OkAsync(Task<HttpResponseMessage> call, params HttpStatusCode[] expected)
    {
        var response = await call;
        response.StatusCode.ShouldBeOneOf(expected.Length == 0 ? [HttpStatusCode.OK] : expected, await response.Content.ReadAsStringAsync());
    }

    private Canary NewCanary(string which)
    {
        var canary = Canary.Make(which, _run);
        Canaries.Add(canary);
        return canary;
    }

    public async Task RunAsync()
    {
        var api = new Api(client);
        Sku = await api.ProductAsync();
        var other = await api.ProductAsync();
        await OkAsync(client.PutAsJsonAsync($"/api/catalog/products/{other}",
            new { name = "Renamed " + other, category = "Beverages", unit = "pcs", price = 99000m, currency = "VND" }, TesseraJson.Options));
        Warehouse = await api.WarehouseAsync();
        var second = await api.WarehouseAsync();
        await OkAsync(client.PostJsonAsync($"/api/inventory/warehouses/{Warehouse}/bins", new { code = "A-01", name = "Aisle A, shelf 1" }), HttpStatusCode.Created);
        await api.ReceiveAsync(Warehouse, Sku, 200m);
        await api.ReceiveAsync(Warehouse, other, 50m);
        await api.ReceiveAsync(second, Sku, 20m);
        await OkAsync(client.PutAsJsonAsync("/api/inventory/reorder-points", new { sku = other, warehouse = Warehouse, reorderPoint = 45m, reorderQuantity = 100m }));
        await OkAsync(client.PostJsonAsync("/api/inventory/issues",
            new { warehouse = Warehouse, type = "sales-out", reference = "counter sale", lines = new[] { new { sku = other, quantity = 10m } } }, Guid.NewGuid().ToString()),
            HttpStatusCode.Created);
        var transfer = await CreatedAsync<JsonElement>(client.PostJsonAsync("/api/inventory/transfers",
            new { fromWarehouse = Warehouse, toWarehouse = second, reference = "rebalance", lines = new[] { new { sku = Sku, quantity = 5m } } }, Guid.NewGuid().ToString()));
        await OkAsync(client.PostAsync($"/api/inventory/transfers/{transfer.GetProperty("id").GetGuid()}/ship", null));
        await OkAsync(client.PostJsonAsync("/api/inventory/counts", new { warehouse = second, skus = new[] { Sku }, reference = "cycle count" }), HttpStatusCode.Created);

        await OkAsync(client.PutAsJsonAsync("/api/orders/attributes/source", new { label = "Source", type = "Text", required = false }, TesseraJson.Options),
            HttpStatusCode.OK, HttpStatusCode.Created);
        var shipping = await new Shipping(client, publicUrl).WithCarrierAsync();
        await OkAsync(PutAsync($"/api/logistics/carriers/{shipping.Carrier}",
            new { name = "Giao Hàng Test", trackingUrlTemplate = "https://track.example/{waybill}", serviceLevels = new[] { "standard", "express", "economy" } }));
        var delivered = await PlaceAsync(NewCanary("placed"));
        var cancelled = await PlaceAsync(NewCanary("cancelled"));
        await api.SettledAsync(delivered);
        await OkAsync(client.PostJsonAsync($"/api/orders/{cancelled}/cancel", new { reason = "Customer changed their mind" }));
        await ChangeAsync(delivered, NewCanary("changed"));
        // Nobody dispatches this one: its one-second "economy" deadline (set by the fixture) raises a fulfilment alert.
        await PlaceAsync(NewCanary("late"), serviceLevel: "economy");

        var shipment = (await shipping.ShipmentsCreatedAsync(delivered)).First();
        var waybill = (await shipping.DispatchAsync(shipment.Id)).WaybillNumber!;
        (await shipping.TrackAsync(waybill, "Delivered")).StatusCode.ShouldBe(HttpStatusCode.OK);
        await Poll.UntilAsync(() => api.OrderAsync(delivered), o => o.Status == OrderStatus.Completed, "the delivered order to complete");
        var rma = await CreatedAsync<ReturnDto>(client.PostJsonAsync("/api/logistics/returns",
            new { orderId = delivered, lines = new[] { new { sku = Sku, quantity = 1m } }, reason = "Not as described" }, Guid.NewGuid().ToString()));
        await OkAsync(client.PostJsonAsync($"/api/logistics/returns/{rma.Id}/receive",
            new { warehouse = Warehouse, lines = new[] { new { sku = Sku, quantity = 1m, condition = "restock" } } }));

        var person = NewCanary("customer");
        var customer = await CreatedAsync<CustomerDetailsDto>(client.PostJsonAsync("/api/orders/customers", new
        {
            name = person.Name, phone = person.Phone, email = person.Email,
            addresses = new[] { new { label = "home", consignee = person.Name, address = new { line1 = person.Street, city = "Hà Nội", country = "VN" } } },
        }, Guid.NewGuid().ToString()));
        await OkAsync(PutAsync($"/api/orders/customers/{customer.Id}", new { name = person.Name, phone = person.Phone, email = person.Email, notes = "prefers mornings" }));
        var duplicate = await CreatedAsync<CustomerDetailsDto>(client.PostJsonAsync("/api/orders/customers", new { name = person.Name }, Guid.NewGuid().ToString()));
        await OkAsync(client.PostJsonAsync($"/api/orders/customers/{customer.Id}/merge", new { duplicates = new[] { duplicate.Id } }));

        var contact = NewCanary("supplier");
        var supplier = await CreatedAsync<SupplierDto>(client.PostJsonAsync("/api/procurement/suppliers", new
        {
            code = Unique("SUP"), name = "Trà Việt Co.", taxId = "0312345678", currency = "VND", paymentTermsDays = 30,
            contact = new { name = contact.Name, phone = contact.Phone, email = contact.Email, address = new { line1 = contact.Street, city = "Hà Nội", country = "VN" } },
        }));
        await OkAsync(PutAsync($"/api/procurement/suppliers/{supplier.Id}", new
        {
            code = supplier.Code, name = "Trà Việt Company", taxId = "0312345678", currency = "VND", paymentTermsDays = 45,
            contact = new { name = contact.Name, phone = contact.Phone, email = contact.Email },
        }));
        var prices = await CreatedAsync<List<SupplierPriceDto>>(client.PostJsonAsync($"/api/procurement/suppliers/{supplier.Id}/prices",
            new { prices = new[] { new { sku = Sku, unitPrice = 90000m, currency = "VND", minQuantity = 1m, leadTimeDays = 3, preferred = true } } }));
        await OkAsync(PutAsync($"/api/procurement/supplier-prices/{prices[0].Id}",
            new { unitPrice = 88000m, currency = "VND", minQuantity = 1m, leadTimeDays = 2, preferred = true }));
        var order = await CreatedAsync<PurchaseOrderDto>(client.PostJsonAsync("/api/procurement/purchase-orders",
            new { supplierId = supplier.Id, warehouse = Warehouse, lines = new[] { new { sku = Sku, quantity = 20m, unitPrice = 90000m } } }, Guid.NewGuid().ToString()));
        await OkAsync(client.PostAsync($"/api/procurement/purchase-orders/{order.Id}/approve", null));
        var receipt = await CreatedAsync<GoodsReceiptDto>(client.PostJsonAsync($"/api/procurement/purchase-orders/{order.Id}/receipts",
            new { lines = new[] { new { lineNo = 1, acceptedQuantity = 10m, rejectedQuantity = 1m, rejectionReason = "Crushed carton" } } }));
        await Poll.UntilAsync(async () => (await client.GetFromJsonAsync<GoodsReceiptDto>($"/api/procurement/receipts/{receipt.Id}", TesseraJson.Options))!,
            r => r.Posting == ReceiptPostingStatus.Posted, "inventory to post the goods receipt");
        await OkAsync(client.PostJsonAsync("/api/procurement/supplier-returns",
            new { receiptId = receipt.Id, reason = "Wrong flavour", lines = new[] { new { sku = Sku, quantity = 2m } } }), HttpStatusCode.Created);

        await FinanceAsync(order.Id);
        await ReportingAsync();

        var imported = NewCanary("imported");
        await ImportAsync(imported);
        foreach (var canary in Canaries)
            await OkAsync(client.GetAsync($"/api/orders/search?phone={canary.Phone}&email={Uri.EscapeDataString(canary.Email)}&includeArchived=true"));
        await Poll.UntilAsync(async () => (await client.GetFromJsonAsync<PagedResult<JsonElement>>("/api/procurement/reorder-suggestions", TesseraJson.Options))!.Items,
            items => items.Count > 0, "a reorder suggestion for the product below its reorder point");
        await Poll.UntilAsync(async () => (await client.GetFromJsonAsync<PagedResult<JsonElement>>("/api/orders/fulfilment/alerts", TesseraJson.Options))!.Items,
            items => items.Count > 0, "the fulfilment alert of the order nobody dispatched", TimeSpan.FromSeconds(30));
    }

    /// <summary>
    /// The books: a sub-account of tenant A's own (the chart's accounts are every tenant's), the supplier's bill for
    /// the goods received, and a customer's payment.
    /// </summary>
    private async Task FinanceAsync(Guid purchaseOrder)
    {
        await OkAsync(client.PostJsonAsync("/api/finance/accounts",
            new { code = "1121" + _run.ToUpperInvariant(), parent = "112", name = "Matrix bank " + _run, nameVi = "Ngân hàng " + _run }), HttpStatusCode.Created);
        var today = DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd", global::System.Globalization.CultureInfo.InvariantCulture);
        await OkAsync(client.PostJsonAsync("/api/finance/bills", new
        {
            purchaseOrderId = purchaseOrder, supplierInvoiceNumber = "INV-" + _run, date = today,
            lines = new[] { new { lineNo = 1, quantity = 10m, unitPrice = 90000m, taxRate = 0.1m } },
        }, Guid.NewGuid().ToString()), HttpStatusCode.Created);
        // The delivered order was returned in full, so its invoice is credited: the customer's payment stays on account.
        await OkAsync(client.PostJsonAsync("/api/finance/payments",
            new { kind = "customer", amount = 10000m, date = today, method = "bank", allocations = Array.Empty<object>() }, Guid.NewGuid().ToString()),
            HttpStatusCode.Created);
    }

    /// <summary>
    /// The warehouse: a model of tenant A's own (shipped models, their metrics and the upload sources are every tenant's;
    /// this one is tenant A's alone, and as an ADS model it is also a metric of that name), a run that builds it, and a
    /// monthly sales target and a marketplace settlement file.
    /// </summary>
    private async Task ReportingAsync()
    {
        var model = "matrix_" + _run;
        await OkAsync(client.PostJsonAsync("/api/reporting/models",
            new { name = model, sql = "-- layer: ads\nselect count(*) as events from {{ ref('ods_events') }}" }), HttpStatusCode.Created);
        var run = await CreatedAsync<RunDto>(client.PostJsonAsync("/api/reporting/runs", new { models = new[] { model } }), HttpStatusCode.Accepted);
        await Poll.UntilAsync(async () => (await client.GetFromJsonAsync<RunDto>($"/api/reporting/runs/{run.Id}", TesseraJson.Options))!,
            r => r.Status == "Succeeded", "the run of tenant A's own model", TimeSpan.FromSeconds(60));
        var today = DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd", global::System.Globalization.CultureInfo.InvariantCulture);
        await OkAsync(PutAsync($"/api/reporting/targets/{today[..7]}", new { amount = 500_000_000m, currency = "VND", channel = "web" }));
        using var settlement = new StringContent("settlement_date,marketplace,order_ref,gross_amount,fee_amount,payout_amount,currency\n" +
                                                 $"{today},shopee,MATRIX-{_run},150000,7500,142500,VND\n", Encoding.UTF8, "text/csv");
        await OkAsync(client.PostAsync($"/api/reporting/uploads/marketplace_settlement?fileName=matrix-{_run}.csv", settlement), HttpStatusCode.Created);
    }

    private async Task<Guid> PlaceAsync(Canary canary, string serviceLevel = "standard")
    {
        var created = await CreatedAsync<OrderCreatedDto>(client.PostJsonAsync("/api/orders", new
        {
            channel = "web",
            customer = new { name = canary.Name, phone = canary.Phone, email = canary.Email },
            shipping = new { consignee = canary.Name, phone = canary.Phone, address = new { line1 = canary.Street, city = "Hà Nội", country = "VN" }, serviceLevel },
            lines = new[] { new { sku = Sku, quantity = 1m, unitPrice = 120000m } },
            operational = new { notes = "leave at the door", tags = new[] { "matrix" } },
            attributes = new Dictionary<string, string> { ["source"] = "matrix" },
        }, Guid.NewGuid().ToString()));
        return created.Id;
    }

    /// <summary>A PUT with the record's current ETag in If-Match, as the services ask of an edit.</summary>
    private async Task<HttpResponseMessage> PutAsync(string path, object body)
    {
        var current = await client.GetAsync(path);
        var request = new HttpRequestMessage(HttpMethod.Put, path) { Content = JsonContent.Create(body, options: TesseraJson.Options) };
        if (current.Headers.ETag is { } etag)
            request.Headers.IfMatch.Add(etag);
        return await client.SendAsync(request);
    }

    private async Task ChangeAsync(Guid order, Canary canary)
    {
        var current = await client.GetAsync($"/api/orders/{order}");
        var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/orders/{order}")
        {
            Content = JsonContent.Create(new { customer = new { name = canary.Name, phone = canary.Phone, email = canary.Email } }, options: TesseraJson.Options),
        };
        request.Headers.IfMatch.Add(current.Headers.ETag!);
        await OkAsync(client.SendAsync(request));
    }

    private async Task ImportAsync(Canary canary)
    {
        var csv = "external_ref,customer_name,customer_phone,customer_email,ship_consignee,ship_phone,ship_line1,ship_city,sku,quantity,unit_price\n" +
                  $"MATRIX-{_run},{canary.Name},{canary.Phone},{canary.Email},{canary.Name},{canary.Phone},{canary.Street},Hà Nội,{Sku},1,120000\n";
        var import = await CreatedAsync<OrderImportDto>(client.PostAsync("/api/orders/imports?fileName=matrix.csv", new StringContent(csv, Encoding.UTF8, "text/csv")),
            HttpStatusCode.Accepted);
        var finished = await Poll.UntilAsync(async () => (await client.GetFromJsonAsync<OrderImportDto>($"/api/orders/imports/{import.Id}", TesseraJson.Options))!,
            i => i.Finished, "the import to finish");
        finished.AcceptedOrders.ShouldBe(1);
    }
}
