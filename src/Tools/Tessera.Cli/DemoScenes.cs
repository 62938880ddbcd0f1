using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Tessera.Cli;

/// <summary>
/// The demo's business beyond orders, so that every page has something to show: suppliers and purchase orders in every
/// state, a carrier with shipments at every step (delivered ones, one failed delivery returned to its origin, a customer
/// return), transfers and counts, reorder points that raise suggestions, customers who come back, history imported from
/// an old system, and invoices paid. Every step reads the current state first and acts only when it is not reached yet,
/// with idempotency keys derived from the seed: running it again adds nothing.
/// </summary>
public sealed class DemoScenes(ApiClient api, DemoData data, int seed, string tenant, Action<string> progress)
{
    public const string Carrier = "GHTK";
    private string? _secret;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        progress("Order attributes");
        await PutAsync("/api/orders/attributes/gift_wrap", new { label = "Gift wrap", type = "choice", required = false, allowedValues = new[] { "none", "paper", "box" } },
            cancellationToken);
        progress("Carrier");
        await CarrierAsync(cancellationToken);
        progress("Suppliers and prices");
        var suppliers = await SuppliersAsync(cancellationToken);
        progress("Purchase orders in every state");
        var received = await PurchaseOrdersAsync(suppliers, cancellationToken);
        progress("Reorder points");
        foreach (var sku in data.ReorderSkus)
            await PutAsync("/api/inventory/reorder-points", new { sku, warehouse = "HCM", reorderPoint = 100000m, reorderQuantity = 50m }, cancellationToken);
        progress("Transfers and counts");
        await TransfersAsync(cancellationToken);
        await CountsAsync(cancellationToken);
        progress("Shipments through every step");
        await ShipmentsAsync(cancellationToken);
        progress("Orders imported as history");
        await HistoryAsync(cancellationToken);
        progress("Invoices, bills and payments");
        await FinanceAsync(received, cancellationToken);
    }

    private async Task CarrierAsync(CancellationToken cancellationToken)
    {
        using var response = await api.PostAsync("/api/logistics/carriers", new
        {
            code = Carrier, name = "Giao Hàng Tiết Kiệm", trackingUrlTemplate = "https://track.example/{waybill}",
            serviceLevels = new[] { "standard", "express", "economy", "same-day", "pickup" }, isDefault = true,
        }, $"seed-{seed}-carrier", cancellationToken);
        if (response.IsSuccessStatusCode && !response.Headers.Contains("Idempotent-Replayed"))
            _secret = (await Read(response, cancellationToken)).GetProperty("webhookSecret").GetString();
        else if (!response.IsSuccessStatusCode && response.StatusCode is not (HttpStatusCode.Conflict or HttpStatusCode.UnprocessableEntity))
            throw new ApiException(response.StatusCode, $"Creating the demo carrier failed: {await ApiClient.Describe(response)}");
    }

    /// <summary>The carrier's secret: known when it was just created, else a new one (only when a tracking call is needed).</summary>
    private async Task<string> SecretAsync(CancellationToken cancellationToken)
    {
        if (_secret is not null)
            return _secret;
        using var response = await api.PostAsync($"/api/logistics/carriers/{Carrier}/rotate-secret", new { }, null, cancellationToken);
        _secret = (await api.ReadAsync<JsonElement>(response, cancellationToken)).GetProperty("webhookSecret").GetString()!;
        return _secret;
    }

    private async Task<List<Guid>> SuppliersAsync(CancellationToken cancellationToken)
    {
        var ids = new List<Guid>();
        foreach (var supplier in data.Suppliers)
        {
            using var response = await api.PostAsync("/api/procurement/suppliers", new
            {
                code = supplier.Code, name = supplier.Name, taxId = supplier.TaxId, currency = "VND", paymentTermsDays = 30,
                contact = new { name = supplier.Contact, phone = supplier.Phone, email = supplier.Email, address = new { line1 = supplier.Street, city = supplier.City, country = "VN" } },
            }, $"seed-{seed}-supplier-{supplier.Code}", cancellationToken);
            Guid id;
            if (response.IsSuccessStatusCode)
                id = (await Read(response, cancellationToken)).GetProperty("id").GetGuid();
            else if (response.StatusCode == HttpStatusCode.Conflict)
                id = (await GetAsync($"/api/procurement/suppliers?search={supplier.Code}", cancellationToken)).GetProperty("items")
                    .EnumerateArray().First(s => s.GetProperty("code").GetString() == supplier.Code).GetProperty("id").GetGuid();
            else
                throw new ApiException(response.StatusCode, $"Creating supplier {supplier.Code} failed: {await ApiClient.Describe(response)}");
            ids.Add(id);
            var prices = await GetAsync($"/api/procurement/supplier-prices?supplierId={id}&pageSize=200", cancellationToken);
            if (prices.GetProperty("total").GetInt32() == 0)
                await PostOkAsync($"/api/procurement/suppliers/{id}/prices", new
                {
                    prices = supplier.Skus.Select(sku => new
                    {
                        sku, unitPrice = data.Products.First(p => p.Sku == sku).Price * 0.6m, currency = "VND", minQuantity = 1m, leadTimeDays = 3, preferred = true,
                    }),
                }, $"seed-{seed}-prices-{supplier.Code}", cancellationToken);
        }
        return ids;
    }

    /// <summary>One purchase order per state; returns the received one (it gets a supplier return and a bill).</summary>
    private async Task<JsonElement> PurchaseOrdersAsync(List<Guid> suppliers, CancellationToken cancellationToken)
    {
        JsonElement received = default;
        string[] states = ["Draft", "Approved", "PartiallyReceived", "Received", "Closed", "Cancelled"];
        for (var i = 0; i < states.Length; i++)
        {
            var supplier = data.Suppliers[i % data.Suppliers.Count];
            var lines = supplier.Skus.Take(2).Select(sku => new { sku, quantity = 20m, unitPrice = Math.Round(data.Products.First(p => p.Sku == sku).Price * 0.6m) }).ToList();
            using var created = await api.PostAsync("/api/procurement/purchase-orders",
                new { supplierId = suppliers[i % suppliers.Count], warehouse = "HCM", reference = $"DEMO-PO-{i + 1}", lines }, $"seed-{seed}-po-{states[i]}", cancellationToken);
            var po = await api.ReadAsync<JsonElement>(created, cancellationToken);
            var id = po.GetProperty("id").GetGuid();
            var path = $"/api/procurement/purchase-orders/{id}";
            var status = po.GetProperty("status").GetString();
            if (status == "Draft" && states[i] == "Cancelled")
                await PostOkAsync($"{path}/cancel", new { reason = "Ordered twice (demo data)" }, null, cancellationToken);
            if (status == "Draft" && states[i] is not ("Draft" or "Cancelled"))
                await PostOkAsync($"{path}/approve", null, null, cancellationToken);
            status = (await GetAsync(path, cancellationToken)).GetProperty("status").GetString();
            if (status == "Approved" && states[i] is "PartiallyReceived" or "Received" or "Closed")
            {
                var partial = states[i] == "PartiallyReceived";
                await PostOkAsync($"{path}/receipts", new
                {
                    deliveryNote = $"DN-{seed}-{i + 1}",
                    lines = lines.Select((l, n) => new
                    {
                        lineNo = n + 1, acceptedQuantity = partial ? 8m : l.quantity, rejectedQuantity = n == 0 && !partial ? 1m : 0m,
                        rejectionReason = n == 0 && !partial ? "Crushed carton" : null,
                    }),
                }, null, cancellationToken);
            }
            if (states[i] == "Closed" && (await GetAsync(path, cancellationToken)).GetProperty("status").GetString() == "Received")
                await PostOkAsync($"{path}/close", new { reason = "Complete (demo data)" }, null, cancellationToken);
            if (states[i] == "Received")
                received = await GetAsync(path, cancellationToken);
        }

        // A supplier return of part of the received order's receipt, shipped back.
        var receipts = await GetAsync($"/api/procurement/receipts?purchaseOrderId={received.GetProperty("id").GetGuid()}", cancellationToken);
        if (receipts.GetProperty("items").EnumerateArray().FirstOrDefault() is { ValueKind: JsonValueKind.Object } receipt)
        {
            var receiptId = receipt.GetProperty("id").GetGuid();
            await Poll.UntilAsync(async () => (await GetAsync($"/api/procurement/receipts/{receiptId}", cancellationToken)).GetProperty("posting").GetString(),
                posting => posting == "Posted", "inventory to book the demo receipt", cancellationToken);
            var returns = await GetAsync($"/api/procurement/supplier-returns?receiptId={receiptId}", cancellationToken);
            if (returns.GetProperty("total").GetInt32() == 0)
            {
                var sku = received.GetProperty("lines")[0].GetProperty("sku").GetString();
                using var response = await api.PostAsync("/api/procurement/supplier-returns",
                    new { receiptId, reason = "Wrong flavour (demo data)", lines = new[] { new { sku, quantity = 2m } } }, $"seed-{seed}-supplier-return", cancellationToken);
                var created = await api.ReadAsync<JsonElement>(response, cancellationToken);
                await PostOkAsync($"/api/procurement/supplier-returns/{created.GetProperty("id").GetGuid()}/ship", null, null, cancellationToken);
            }
        }
        return received;
    }

    private async Task TransfersAsync(CancellationToken cancellationToken)
    {
        foreach (var (key, from, to, receive) in new[] { ("in-transit", "HCM", "HN", false), ("received", "HCM", "DN", true) })
        {
            var skus = data.Receipts.Where(r => r.Warehouse == from).SelectMany(r => r.Lines).Take(2).Select(l => l.Sku).ToList();
            using var response = await api.PostAsync("/api/inventory/transfers",
                new { fromWarehouse = from, toWarehouse = to, reference = $"Rebalance {key}", lines = skus.Select(sku => new { sku, quantity = 2m }) },
                $"seed-{seed}-transfer-{key}", cancellationToken);
            var transfer = await api.ReadAsync<JsonElement>(response, cancellationToken);
            var path = $"/api/inventory/transfers/{transfer.GetProperty("id").GetGuid()}";
            if (transfer.GetProperty("status").GetString() == "Draft")
                await PostOkAsync($"{path}/ship", new { }, $"seed-{seed}-transfer-{key}-ship", cancellationToken);
            if (receive && (await GetAsync(path, cancellationToken)).GetProperty("status").GetString() == "InTransit")
                await PostOkAsync($"{path}/receive", new { }, $"seed-{seed}-transfer-{key}-receive", cancellationToken);
        }
    }

    private async Task CountsAsync(CancellationToken cancellationToken)
    {
        foreach (var (key, warehouse, post) in new[] { ("open", "HN", false), ("posted", "DN", true) })
        {
            var skus = data.Receipts.Where(r => r.Warehouse == warehouse).SelectMany(r => r.Lines).Take(3).Select(l => l.Sku).ToList();
            using var response = await api.PostAsync("/api/inventory/counts", new { warehouse, skus, reference = $"Cycle count {key}" }, $"seed-{seed}-count-{key}", cancellationToken);
            var count = await api.ReadAsync<JsonElement>(response, cancellationToken);
            var path = $"/api/inventory/counts/{count.GetProperty("id").GetGuid()}";
            if (!post || count.GetProperty("status").GetString() is "Posted" or "Cancelled")
                continue;
            var lines = await GetAsync($"{path}/lines?pageSize=100", cancellationToken);
            await PostOkAsync($"{path}/entries", new
            {
                lines = lines.GetProperty("items").EnumerateArray().Select((l, i) => new
                {
                    sku = l.GetProperty("sku").GetString(), counted = l.GetProperty("expected").GetDecimal() - (i == 0 ? 1m : 0m),
                    reason = i == 0 ? "Damaged, written off" : null,
                }),
            }, null, cancellationToken);
            await PostOkAsync($"{path}/post", new { reason = "Monthly cycle count" }, $"seed-{seed}-count-{key}-post", cancellationToken);
        }
    }

    /// <summary>
    /// The shipments of the newest confirmed orders, moved step by step: two stay new, then picked, packed, dispatched,
    /// in transit and delivered ones, a failed delivery brought back, and a delivered order returned by its customer.
    /// </summary>
    private async Task ShipmentsAsync(CancellationToken cancellationToken)
    {
        string[] targets = ["Created", "Created", "Picked", "Picked", "Packed", "Dispatched", "InTransit", "Delivered", "Delivered", "Delivered", "Delivered",
            "DeliveryFailed", "ReturnedToOrigin", "CustomerReturn"];
        var shipments = new List<JsonElement>();
        var candidates = data.Orders.Where(o => !o.Cancel).OrderByDescending(o => o.PlacedAt).Take(60).ToList();
        foreach (var order in candidates)
        {
            if (shipments.Count == targets.Length)
                break;
            var found = await GetAsync($"/api/orders/search?q={Uri.EscapeDataString(order.Reference)}&limit=1", cancellationToken);
            if (found.GetProperty("items").EnumerateArray().FirstOrDefault() is not { ValueKind: JsonValueKind.Object } hit || hit.GetProperty("status").GetString() == "Rejected")
                continue;
            var orderId = hit.GetProperty("id").GetGuid();
            var status = await Poll.UntilAsync(async () => (await GetAsync($"/api/orders/{orderId}", cancellationToken)).GetProperty("status").GetString(),
                s => s != "Pending", "inventory to answer the demo order", cancellationToken);
            if (status is not ("Confirmed" or "Dispatched" or "Completed" or "PartiallyReturned" or "Returned"))
                continue;
            var list = await Poll.UntilAsync(async () => await GetAsync($"/api/logistics/shipments?orderId={orderId}", cancellationToken),
                l => l.GetProperty("total").GetInt32() > 0, "the demo order's shipment", cancellationToken);
            if (list.GetProperty("total").GetInt32() == 1)
                shipments.Add(list.GetProperty("items")[0]);
        }
        for (var i = 0; i < shipments.Count; i++)
            await MoveAsync(shipments[i].GetProperty("id").GetGuid(), targets[i], i, cancellationToken);
        // A scan of a parcel the warehouse has not dispatched yet (a typo in the waybill): kept as unmatched tracking.
        await TrackAsync($"{Carrier}-UNKNOWN-{seed}", "InTransit", $"seed-{seed}-unmatched", null, cancellationToken);
    }

    private async Task MoveAsync(Guid id, string target, int index, CancellationToken cancellationToken)
    {
        var path = $"/api/logistics/shipments/{id}";
        string[] order = ["Created", "Picked", "Packed", "Dispatched", "InTransit", "Delivered"];
        var wanted = target switch { "DeliveryFailed" or "ReturnedToOrigin" => 3, "CustomerReturn" => 5, _ => Array.IndexOf(order, target) };
        var shipment = await GetAsync(path, cancellationToken);
        var at = Array.IndexOf(order, shipment.GetProperty("status").GetString());
        if (at < 1 && wanted >= 1)
            await PostOkAsync($"{path}/pick", new { }, null, cancellationToken);
        if (at < 2 && wanted >= 2)
            await PostOkAsync($"{path}/pack", new { packages = new[] { new { weightKg = 1.2m, lengthCm = 30m, widthCm = 20m, heightCm = 10m } } }, null, cancellationToken);
        if (at < 3 && wanted >= 3)
            await PostOkAsync($"{path}/dispatch", new { carrier = Carrier }, null, cancellationToken);
        shipment = await GetAsync(path, cancellationToken);
        var status = shipment.GetProperty("status").GetString();
        var waybill = shipment.GetProperty("waybillNumber").GetString();
        if (waybill is null)
            return;
        if (wanted >= 4 && status == "Dispatched" && target is not ("DeliveryFailed" or "ReturnedToOrigin"))
            await TrackAsync(waybill, "InTransit", $"seed-{seed}-{waybill}-transit", null, cancellationToken);
        if (wanted >= 5 && status is "Dispatched" or "InTransit")
            await TrackAsync(waybill, "Delivered", $"seed-{seed}-{waybill}-delivered", null, cancellationToken);
        if (target is "DeliveryFailed" or "ReturnedToOrigin" && status == "Dispatched")
            await TrackAsync(waybill, "DeliveryFailed", $"seed-{seed}-{waybill}-failed", "Nobody at the address", cancellationToken);
        if (target == "ReturnedToOrigin")
        {
            var failed = await Poll.UntilAsync(async () => await GetAsync(path, cancellationToken), s => s.GetProperty("status").GetString() is "DeliveryFailed" or "ReturnedToOrigin",
                "the failed delivery", cancellationToken);
            if (failed.GetProperty("status").GetString() == "DeliveryFailed")
                await PostOkAsync($"{path}/return-to-origin", new { note = "Back at the warehouse (demo data)" }, null, cancellationToken);
        }
        if (target == "CustomerReturn")
            await CustomerReturnAsync(shipment, cancellationToken);
    }

    private async Task CustomerReturnAsync(JsonElement shipment, CancellationToken cancellationToken)
    {
        var orderId = shipment.GetProperty("orderId").GetGuid();
        await Poll.UntilAsync(async () => (await GetAsync($"/api/orders/{orderId}", cancellationToken)).GetProperty("status").GetString(),
            status => status is "Completed" or "PartiallyReturned" or "Returned", "the returned order to be delivered", cancellationToken);
        var existing = await GetAsync($"/api/logistics/returns?orderId={orderId}", cancellationToken);
        if (existing.GetProperty("total").GetInt32() > 0)
            return;
        var line = shipment.GetProperty("lines")[0];
        using var response = await api.PostAsync("/api/logistics/returns",
            new { orderId, lines = new[] { new { sku = line.GetProperty("sku").GetString(), quantity = 1m } }, reason = "Wrong size (demo data)" },
            $"seed-{seed}-return-{orderId}", cancellationToken);
        var rma = await api.ReadAsync<JsonElement>(response, cancellationToken);
        await PostOkAsync($"/api/logistics/returns/{rma.GetProperty("id").GetGuid()}/receive", new
        {
            warehouse = shipment.GetProperty("warehouse").GetString(),
            lines = new[] { new { sku = line.GetProperty("sku").GetString(), quantity = 1m, condition = "restock" } },
        }, null, cancellationToken);
    }

    private async Task TrackAsync(string waybill, string status, string eventId, string? reason, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.Serialize(new
        {
            events = new[] { new { eventId, waybillNumber = waybill, status, occurredAt = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture), location = "Hub", reason } },
        }, ApiClient.Json);
        var signature = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(await SecretAsync(cancellationToken)), Encoding.UTF8.GetBytes(body)));
        using var response = await api.PostRawAsync($"/api/webhooks/{tenant}/tracking/{Carrier}", body, "X-Tessera-Signature", signature, cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new ApiException(response.StatusCode, $"The demo tracking call ({status} for {waybill}) failed: {await ApiClient.Describe(response)}");
    }

    /// <summary>Orders of an older system, imported as history: completed with their payments, some cancelled.</summary>
    private async Task HistoryAsync(CancellationToken cancellationToken)
    {
        var first = data.History[0];
        var found = await GetAsync($"/api/orders/search?q={Uri.EscapeDataString(first.ExternalRef)}&includeArchived=true&limit=1", cancellationToken);
        if (found.GetProperty("items").GetArrayLength() > 0)
            return;
        var csv = data.HistoryCsv();
        using var response = await api.PostContentAsync("/api/orders/imports?fileName=history.csv",
            () => new StringContent(csv, Encoding.UTF8, "text/csv"), cancellationToken);
        var import = await api.ReadAsync<JsonElement>(response, cancellationToken);
        await Poll.UntilAsync(async () => (await GetAsync($"/api/orders/imports/{import.GetProperty("id").GetGuid()}", cancellationToken)).GetProperty("status").GetString(),
            status => status is "Completed" or "Failed", "the history import", cancellationToken);
    }

    /// <summary>The delivered orders are invoiced by finance on its own; one invoice is paid, the received purchase order billed and paid.</summary>
    private async Task FinanceAsync(JsonElement received, CancellationToken cancellationToken)
    {
        // Finance's lists are arrays (their count in X-Total-Count).
        var invoices = await Poll.UntilAsync(async () => await TryGetAsync("/api/finance/invoices?pageSize=50", cancellationToken),
            i => i is null || i.Value.GetArrayLength() > 0, "finance to invoice the delivered orders", cancellationToken);
        if (invoices is not { } list)
            return; // no finance service in this installation
        var invoice = list.EnumerateArray().OrderBy(i => i.GetProperty("number").GetString(), StringComparer.Ordinal).First();
        if (invoice.GetProperty("paid").GetDecimal() == 0 && invoice.GetProperty("outstanding").GetDecimal() > 0)
            await PostOkAsync("/api/finance/payments", new
            {
                kind = "customer", amount = invoice.GetProperty("outstanding").GetDecimal(), date = DateOnly.FromDateTime(DateTime.UtcNow).ToString("O"), method = "bank",
                allocations = new[] { new { documentId = invoice.GetProperty("id").GetGuid(), amount = invoice.GetProperty("outstanding").GetDecimal() } },
                reference = $"DEMO-PAY-{seed}",
            }, $"seed-{seed}-payment-customer", cancellationToken);

        var poId = received.GetProperty("id").GetGuid();
        var bills = await GetAsync($"/api/finance/bills?purchaseOrderId={poId}", cancellationToken);
        if (bills.GetArrayLength() == 0)
        {
            using var response = await api.PostAsync("/api/finance/bills", new
            {
                purchaseOrderId = poId, supplierInvoiceNumber = $"INV-{seed}-0001", date = DateOnly.FromDateTime(DateTime.UtcNow).ToString("O"),
                lines = received.GetProperty("lines").EnumerateArray().Select(l => new
                {
                    lineNo = l.GetProperty("lineNo").GetInt32(), quantity = l.GetProperty("receivedQuantity").GetDecimal(), unitPrice = l.GetProperty("unitPrice").GetDecimal(),
                    taxRate = 0.1m,
                }),
            }, $"seed-{seed}-bill", cancellationToken);
            if (!response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.Conflict)
                throw new ApiException(response.StatusCode, $"Entering the demo bill failed: {await ApiClient.Describe(response)}");
        }
    }

    private async Task PutAsync(string path, object body, CancellationToken cancellationToken)
    {
        using var response = await api.PutAsync(path, body, cancellationToken);
        if (!response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.Conflict)
            throw new ApiException(response.StatusCode, $"PUT {path} failed: {await ApiClient.Describe(response)}");
    }

    /// <summary>A step that may have been taken before: "already there" answers (409) are fine.</summary>
    private async Task PostOkAsync(string path, object? body, string? key, CancellationToken cancellationToken)
    {
        using var response = await api.PostAsync(path, body, key, cancellationToken);
        if (!response.IsSuccessStatusCode && response.StatusCode is not (HttpStatusCode.Conflict or HttpStatusCode.UnprocessableEntity))
            throw new ApiException(response.StatusCode, $"POST {path} failed: {await ApiClient.Describe(response)}");
    }

    private Task<JsonElement> GetAsync(string path, CancellationToken cancellationToken) => api.GetAsync<JsonElement>(path, cancellationToken);

    private async Task<JsonElement?> TryGetAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await api.GetAsync(path, cancellationToken);
        return response.StatusCode == HttpStatusCode.NotFound ? null : await api.ReadAsync<JsonElement>(response, cancellationToken);
    }

    private static async Task<JsonElement> Read(HttpResponseMessage response, CancellationToken cancellationToken) =>
        await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
}

/// <summary>Waits for what the services do on their own (an order confirmed, a shipment created), with a deadline.</summary>
public static class Poll
{
    public static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what, CancellationToken cancellationToken, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var value = await read();
            if (done(value))
                return value;
            if (DateTime.UtcNow > deadline)
                throw new ApiException(HttpStatusCode.GatewayTimeout, $"Gave up waiting for {what} after {seconds} s.");
            await Task.Delay(250, cancellationToken);
        }
    }

    /// <summary>Waits until a condition holds, with a timeout (the benchmarks).</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, CancellationToken cancellationToken, TimeSpan? interval = null)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            if (deadline.Elapsed > timeout)
                throw new TimeoutException($"Gave up waiting after {timeout.TotalSeconds:0} s.");
            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(200), cancellationToken);
        }
    }
}
