using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Tessera.Orders.Contracts;
using Tessera.ServiceDefaults.Json;
using Tessera.ServiceDefaults.Telemetry;
using Tessera.Testing;

namespace Tessera.System.Tests;

[Collection(SystemCollection.Name)]
public sealed class TelemetryTests(SystemFixture fixture)
{
    private Api Api => fixture.Api;

    [Fact]
    public async Task One_trace_links_a_placed_order_to_inventorys_reservation_handler_and_the_orders_confirmation()
    {
        var sku = await Api.ProductAsync();
        var warehouse = await Api.WarehouseAsync();
        await Api.ReceiveAsync(warehouse, sku, 5m);

        // The client starts the trace, as a browser or a caller with its own tracing would.
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders")
        {
            Content = JsonContent.Create(new
            {
                channel = "web",
                customer = new { name = "Trần Thị Bình" },
                lines = new[] { new { sku, quantity = 2m, unitPrice = 120000m } },
            }, options: TesseraJson.Options),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        var placed = await (await Api.Client.SendAsync(request)).ReadAsync<OrderCreatedDto>();
        (await Api.SettledAsync(placed.Id)).Status.ShouldBe(OrderStatus.Confirmed);

        // The confirmation's own event is published last; once orders holds its span, every earlier span is finished.
        var orders = await Poll.UntilAsync(() => SpansAsync("orders", traceId), s => s.Any(x => x.Name == "publish OrderConfirmed"),
            "orders to have published OrderConfirmed in the trace");
        var web = await SpansAsync("web", traceId);
        var inventory = await SpansAsync("inventory", traceId);

        web.ShouldContain(s => s.Kind == "Server" && s.Tags.GetValueOrDefault("http.route") == "/api/{service}/{**rest}");
        var placedHere = orders.Single(s => s.Kind == "Server" && s.Tags.GetValueOrDefault("http.request.method") == "POST");
        var publishedPlaced = orders.Single(s => s.Name == "publish OrderPlaced");
        publishedPlaced.ParentSpanId.ShouldBe(placedHere.SpanId);
        publishedPlaced.Tags["tessera.aggregate.id"].ShouldBe(placed.Id.ToString());

        var reservation = inventory.Single(s => s.Name == "process OrderPlaced");
        reservation.Kind.ShouldBe("Consumer");
        reservation.ParentSpanId.ShouldBe(publishedPlaced.SpanId);
        var reserved = inventory.Single(s => s.Name == "publish StockReserved");
        reserved.ParentSpanId.ShouldBe(reservation.SpanId);

        var confirmation = orders.Single(s => s.Name == "process StockReserved");
        confirmation.ParentSpanId.ShouldBe(reserved.SpanId);
        orders.Single(s => s.Name == "publish OrderConfirmed").ParentSpanId.ShouldBe(confirmation.SpanId);
    }

    [Fact]
    public async Task Every_service_serves_prometheus_metrics_that_move_when_orders_flow()
    {
        var services = (await fixture.System.StatusAsync())!.Services;
        var before = new Dictionary<string, PrometheusText>();
        foreach (var service in services)
            before[service.Name] = await ScrapeAsync(service);

        var sku = await Api.ProductAsync();
        var warehouse = await Api.WarehouseAsync();
        await Api.ReceiveAsync(warehouse, sku, 10m);
        var placed = new List<OrderCreatedDto>();
        for (var i = 0; i < 3; i++)
            placed.Add(await Api.PlaceAsync(sku, 1m));
        foreach (var order in placed)
            await Api.SettledAsync(order.Id);

        foreach (var service in services)
        {
            var name = service.Name;
            var after = await Poll.UntilAsync(() => ScrapeAsync(service),
                m => m.Sum("http_server_request_duration_seconds_count") > before[name].Sum("http_server_request_duration_seconds_count") || name is "procurement" or "logistics" or "finance",
                $"{name}'s request count to move");
            after.Families.ShouldContain("http_server_request_duration_seconds", name);
        }

        var orders = await ScrapeAsync(services.Single(s => s.Name == "orders"));
        orders.Sum("tessera_db_write_gate_wait_seconds_count").ShouldBeGreaterThan(before["orders"].Sum("tessera_db_write_gate_wait_seconds_count"));
        orders.Sum("tessera_messaging_handler_duration_seconds_count", "messaging_message_type", "StockReserved")
            .ShouldBeGreaterThanOrEqualTo(before["orders"].Sum("tessera_messaging_handler_duration_seconds_count", "messaging_message_type", "StockReserved") + 3);
        var inventory = await Poll.UntilAsync(() => ScrapeAsync(services.Single(s => s.Name == "inventory")),
            m => m.Families.Contains("tessera_messaging_inbox_backlog") && m.Families.Contains("tessera_messaging_outbox_lag"),
            "inventory's messaging gauges to be sampled");
        inventory.Sum("tessera_messaging_handler_duration_seconds_count", "messaging_message_type", "OrderPlaced")
            .ShouldBeGreaterThanOrEqualTo(before["inventory"].Sum("tessera_messaging_handler_duration_seconds_count", "messaging_message_type", "OrderPlaced") + 3);
        inventory.Families.ShouldContain("tessera_messaging_subscription_lag");
        inventory.Families.ShouldContain("tessera_messaging_inbox_parked");
    }

    [Fact]
    public async Task The_public_port_serves_metrics_to_an_operator_s_token_only()
    {
        // The public port may sit behind a reverse proxy on the same host, where every caller looks local: no token, no metrics.
        using var anonymous = new HttpClient { BaseAddress = fixture.System.PublicUrl };
        ((int)(await anonymous.GetAsync("/metrics")).StatusCode).ShouldBe(401);
        using (var owner = await NewTenantOwnerAsync())
            ((int)(await owner.GetAsync("/metrics")).StatusCode).ShouldBe(403);
        var web = await ScrapeAsync(Api.Client, "/metrics");
        web.Families.ShouldContain("http_server_request_duration_seconds");

        // Nor does an address under a service's API lead to its /metrics.
        ((int)(await Api.Client.GetAsync("/api/orders/metrics")).StatusCode).ShouldBe(404);
        (await Api.Client.GetAsync("/api/orders/operations/errors")).IsSuccessStatusCode.ShouldBeTrue();
        ((int)(await anonymous.GetAsync("/api/orders/operations/errors")).StatusCode).ShouldBe(401);
    }

    /// <summary>A tenant's administrator who is not an operator of the installation.</summary>
    private async Task<HttpClient> NewTenantOwnerAsync()
    {
        var tenant = "tm" + Guid.NewGuid().ToString("N")[..8];
        (await Api.Client.PostAsJsonAsync("/api/tenants", new
        {
            id = tenant, name = "Metrics Test Co.", admin = new { username = "owner", password = "owner-password-1" },
        })).EnsureSuccessStatusCode();
        return await fixture.System.SignInAsync(tenant, "owner", "owner-password-1");
    }

    private async Task<List<SpanDto>> SpansAsync(string service, string traceId) =>
        (await Api.Client.GetFromJsonAsync<List<SpanDto>>($"/api/{service}/operations/traces/{traceId}", TesseraJson.Options))!;

    /// <summary>A back-end service's /metrics on its own (loopback) port needs no token; the web front-end's, on the public port, an operator's.</summary>
    private async Task<PrometheusText> ScrapeAsync(ServiceStatus service)
    {
        if (service.Name == "web")
            return await ScrapeAsync(Api.Client, "/metrics");
        using var client = new HttpClient();
        return await ScrapeAsync(client, service.Url + "/metrics");
    }

    private static async Task<PrometheusText> ScrapeAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        response.EnsureSuccessStatusCode();
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/plain");
        return PrometheusText.Parse(await response.Content.ReadAsStringAsync());
    }
}

/// <summary>
/// The Prometheus text exposition format, read strictly: every line is a comment (# HELP / # TYPE / other), blank, or a
/// sample "name{label="value",…} number [timestamp]" whose name belongs to a declared family. Anything else fails.
/// </summary>
public sealed record PrometheusText(IReadOnlySet<string> Families, IReadOnlyList<PrometheusSample> Samples)
{
    public static PrometheusText Parse(string text)
    {
        var families = new HashSet<string>(StringComparer.Ordinal);
        var samples = new List<PrometheusSample>();
        foreach (var (line, number) in text.Split('\n').Select((l, i) => (l, i + 1)))
        {
            if (line.Length == 0)
                continue;
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                parts.Length.ShouldBe(4, $"line {number}: {line}");
                parts[3].ShouldBeOneOf(["counter", "gauge", "histogram", "summary", "untyped"], $"line {number}: {line}");
                families.Add(parts[2]);
                continue;
            }
            if (line.StartsWith('#'))
                continue;
            samples.Add(PrometheusSample.Parse(line, number));
        }
        foreach (var sample in samples)
            families.Any(f => sample.Name == f || sample.Name.StartsWith(f + "_", StringComparison.Ordinal))
                .ShouldBeTrue($"{sample.Name} belongs to no declared family");
        return new PrometheusText(families, samples);
    }

    /// <summary>The sum of a metric's samples, optionally of those with one label value.</summary>
    public double Sum(string name, string? label = null, string? value = null) =>
        Samples.Where(s => s.Name == name && (label is null || s.Labels.GetValueOrDefault(label) == value)).Sum(s => s.Value);
}

public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    public static PrometheusSample Parse(string line, int number)
    {
        var at = 0;
        while (at < line.Length && (char.IsAsciiLetterOrDigit(line[at]) || line[at] is '_' or ':'))
            at++;
        at.ShouldBeGreaterThan(0, $"line {number} has no metric name: {line}");
        var name = line[..at];
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (at < line.Length && line[at] == '{')
        {
            at++;
            while (line[at] != '}')
            {
                var equals = line.IndexOf('=', at);
                var label = line[at..equals];
                line[equals + 1].ShouldBe('"', $"line {number}: {line}");
                var value = new global::System.Text.StringBuilder();
                var i = equals + 2;
                for (; line[i] != '"'; i++)
                {
                    if (line[i] == '\\')
                        i++;
                    value.Append(line[i]);
                }
                labels[label] = value.ToString();
                at = i + 1;
                if (line[at] == ',')
                    at++;
            }
            at++;
        }
        line[at].ShouldBe(' ', $"line {number}: {line}");
        var rest = line[(at + 1)..].Split(' ');
        rest.Length.ShouldBeInRange(1, 2, $"line {number}: {line}");
        var parsed = rest[0] switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            "NaN" => double.NaN,
            _ => double.Parse(rest[0], NumberStyles.Float, CultureInfo.InvariantCulture),
        };
        if (rest.Length == 2)
            long.Parse(rest[1], CultureInfo.InvariantCulture);
        return new PrometheusSample(name, labels, parsed);
    }
}
