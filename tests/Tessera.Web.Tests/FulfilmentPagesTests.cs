using System.Net;
using System.Text.RegularExpressions;
using Tessera.Orders.Contracts;

namespace Tessera.Web.Tests;

/// <summary>The order's fulfilment on its page and in its live fragment, and the alerts page, against a scripted orders service.</summary>
public sealed class FulfilmentPagesTests(OrderPagesFactory factory) : IClassFixture<OrderPagesFactory>
{
    private static readonly DateTimeOffset At = DateTimeOffset.Parse("2026-01-05T03:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    private OrdersFake Orders => factory.Orders;

    private async Task<HttpClient> SignedInAsync(string username = "admin", string password = OrderPagesFactory.AdminPassword)
    {
        var browser = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = factory.BaseAddress };
        var form = await browser.GetStringAsync("/signin");
        var response = await browser.PostAsync("/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Tenant"] = "demo",
            ["Username"] = username,
            ["Password"] = password,
            ["__RequestVerificationToken"] = Token(form),
        }));
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        return browser;
    }

    private static string Token(string html) =>
        Regex.Match(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"|\"RequestVerificationToken\": \"([^\"]+)\"") is { Success: true } m
            ? (m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value)
            : throw new InvalidOperationException("No antiforgery token in the page.");

    private static FulfilmentShipmentDto Shipment(Guid id, FulfilmentShipmentStatus status, string? waybill = null) => new(
        id, "SH-0042", "HCM", status, [new FulfilmentLineDto("TEA-1", 2)], waybill is null ? null : "GHN", waybill, null, false, At, null, null,
        status >= FulfilmentShipmentStatus.Dispatched ? At.AddHours(2) : null, null, null, null, null, null, null, null, null, null);

    private static FulfilmentDto Fulfilment(FulfilmentState state, IReadOnlyList<FulfilmentShipmentDto> shipments, IReadOnlyList<FulfilmentAlertDto>? alerts = null,
        IReadOnlyList<CompensationDto>? compensations = null) =>
        new(state, Guid.NewGuid(), At, "standard", At.AddHours(48), shipments, [new AllocationDto("TEA-1", "HCM", 2)], compensations ?? [], alerts ?? [], [], At);

    private static FulfilmentAlertDto Alert(long id, Guid orderId, string kind, string message) =>
        new(id, orderId, 1024, kind, null, message, At.AddHours(50), null, null, null);

    [Fact]
    public async Task The_order_shows_its_fulfilment_state_shipments_alerts_and_compensations()
    {
        var id = Guid.NewGuid();
        var shipment = Guid.NewGuid();
        Orders.Reset(OrdersFake.Sample(id, 3) with
        {
            Fulfilment = Fulfilment(FulfilmentState.ShipmentRequested, [Shipment(shipment, FulfilmentShipmentStatus.Packed)],
                [Alert(7, id, "dispatch-overdue", "Order 1024 is not dispatched within 48 h of the shipment request (standard service)")]),
        });
        var browser = await SignedInAsync();

        var html = await browser.GetStringAsync($"/orders/{id}");

        html.ShouldContain("data-testid=\"fulfilment-state\">Shipment requested</span>");
        var table = Regex.Match(html, "<table[^>]*data-testid=\"order-shipments\".*?</table>", RegexOptions.Singleline).Value;
        table.ShouldContain($"<a href=\"/shipments/{shipment}\">SH-0042</a>");
        table.ShouldContain("<td>HCM</td>");
        table.ShouldContain(">Packed</span>");
        html.ShouldContain("data-testid=\"fulfilment-alerts\"");
        html.ShouldContain("Order 1024 is not dispatched within 48 h of the shipment request (standard service)");
        html.ShouldContain("href=\"/orders/alerts\"");
        WebUtility.HtmlDecode(html).ShouldContain("Held by inventory: TEA-1 × 2 in HCM");
        // Still being fulfilled: the live part keeps itself current.
        Regex.Match(html, "<div id=\"order-live\"[^>]*>").Value.ShouldSatisfyAllConditions(
            div => div.ShouldContain($"hx-get=\"/orders/{id}?handler=Live\""),
            div => div.ShouldContain("hx-trigger=\"every 2s\""));
    }

    [Fact]
    public async Task A_dispatch_made_elsewhere_shows_up_in_the_live_part_and_polling_stops_when_the_order_is_completed()
    {
        var id = Guid.NewGuid();
        var shipment = Guid.NewGuid();
        var confirmed = OrdersFake.Sample(id, 3) with { Fulfilment = Fulfilment(FulfilmentState.ShipmentRequested, [Shipment(shipment, FulfilmentShipmentStatus.Created)]) };
        Orders.Reset(confirmed);
        var browser = await SignedInAsync();
        (await browser.GetStringAsync($"/orders/{id}")).ShouldNotContain("GHN-777");

        // Someone dispatched the shipment on its page: the orders service now tells a different story.
        Orders.Order = confirmed with
        {
            Status = OrderStatus.Dispatched,
            Version = 4,
            Fulfilment = Fulfilment(FulfilmentState.Dispatched, [Shipment(shipment, FulfilmentShipmentStatus.Dispatched, "GHN-777")]),
            Timeline = [.. confirmed.Timeline!, new TimelineEntryDto(At.AddHours(2), "status", "logistics", "Dispatched: Dispatched from HCM with GHN, waybill GHN-777")],
        };
        var live = await browser.GetAsync($"/orders/{id}?handler=Live");
        var fragment = await live.Content.ReadAsStringAsync();

        live.StatusCode.ShouldBe(HttpStatusCode.OK);
        live.Headers.Contains("HX-Refresh").ShouldBeFalse();
        fragment.TrimStart().ShouldStartWith("<div id=\"order-live\"");
        fragment.ShouldContain("data-testid=\"order-status\">Dispatched</span>");
        fragment.ShouldContain("Dispatched: Dispatched from HCM with GHN, waybill GHN-777");
        fragment.ShouldContain("<td>GHN-777</td>");
        fragment.ShouldContain("hx-trigger=\"every 2s\"");
        fragment.ShouldNotContain("data-testid=\"cancel-order\"");

        Orders.Order = Orders.Order with { Status = OrderStatus.Completed, Fulfilment = Fulfilment(FulfilmentState.Completed, [Shipment(shipment, FulfilmentShipmentStatus.Delivered, "GHN-777")]) };
        var done = await browser.GetStringAsync($"/orders/{id}?handler=Live");
        done.ShouldContain("data-testid=\"fulfilment-state\">Completed</span>");
        Regex.Match(done, "<div id=\"order-live\"[^>]*>").Value.ShouldNotContain("hx-trigger");
    }

    [Fact]
    public async Task A_cancelled_order_lists_the_compensations_it_waits_for()
    {
        var id = Guid.NewGuid();
        Orders.Reset(OrdersFake.Sample(id, 5) with
        {
            Status = OrderStatus.Cancelled,
            Fulfilment = Fulfilment(FulfilmentState.Cancelled, [], compensations:
            [
                new CompensationDto("release-reservation", "reservation", "inventory", "Inventory releases the stock reserved for the order", "Done", At, At.AddMinutes(1), "released TEA-1 × 2 in HCM"),
                new CompensationDto("cancel-shipment", "HCM", "logistics", "Logistics cancels the shipment from HCM", "Awaited", At, null, null),
            ]),
        });
        var browser = await SignedInAsync();

        var html = await browser.GetStringAsync($"/orders/{id}");

        var list = Regex.Match(html, "<ul[^>]*data-testid=\"order-compensations\".*?</ul>", RegexOptions.Singleline).Value;
        list.ShouldContain(">Done</span>");
        list.ShouldContain("Inventory releases the stock reserved for the order");
        list.ShouldContain(">Awaited</span>");
        list.ShouldContain("Logistics cancels the shipment from HCM");
        html.ShouldContain("No shipment was created.");
        // A compensation is still awaited: the page keeps listening.
        Regex.Match(html, "<div id=\"order-live\"[^>]*>").Value.ShouldContain("hx-trigger=\"every 2s\"");
    }

    [Fact]
    public async Task The_alerts_page_lists_open_alerts_and_resolves_one_with_a_note()
    {
        var orderId = Guid.NewGuid();
        Orders.Reset(OrdersFake.Sample(orderId, 1));
        Orders.Alerts =
        [
            Alert(11, orderId, "cancellation-failed", "Shipment SH-9 could not be cancelled although order 1024 was cancelled"),
            Alert(12, orderId, "delivery-failed", "Delivery of shipment SH-8 of order 1024 failed (nobody home)") with { RaisedAt = At.AddHours(60) },
        ];
        var browser = await SignedInAsync();

        var page = await browser.GetStringAsync("/orders/alerts");
        page.ShouldContain($"<a href=\"/orders/{orderId}\">#1024</a>");
        page.IndexOf("nobody home", StringComparison.Ordinal).ShouldBeLessThan(page.IndexOf("could not be cancelled", StringComparison.Ordinal));
        page.ShouldContain("Left despite cancellation");

        var empty = await browser.PostAsync("/orders/alerts?handler=Resolve&page=1", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["id"] = "11", ["note"] = "", ["__RequestVerificationToken"] = Token(page),
        }));
        var refused = await empty.Content.ReadAsStringAsync();
        empty.StatusCode.ShouldBe(HttpStatusCode.OK);
        refused.ShouldContain("id=\"note-11-error\" data-field=\"note\">&#x27;Note&#x27; must not be empty.</div>");

        var resolved = await browser.PostAsync("/orders/alerts?handler=Resolve&page=1", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["id"] = "11", ["note"] = "Carrier returns it to HCM", ["__RequestVerificationToken"] = Token(page),
        }));
        resolved.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        resolved.Headers.Location!.ToString().ShouldBe("/orders/alerts?page=1");
        OrdersFake.Body(Orders.Of("POST", "/api/orders/fulfilment/alerts/11/resolve").Last()).GetProperty("note").GetString().ShouldBe("Carrier returns it to HCM");
        (await browser.GetStringAsync("/orders/alerts")).ShouldNotContain("could not be cancelled");
    }

    [Fact]
    public async Task The_alerts_page_is_for_sales_and_administrators()
    {
        Orders.Reset(OrdersFake.Sample(Guid.NewGuid(), 1));
        var admin = await SignedInAsync();
        var users = await admin.GetStringAsync("/admin/users");
        (await admin.PostAsync("/admin/users", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Username"] = "picker", ["Password"] = "picker-password-1", ["SelectedRoles"] = "warehouse", ["__RequestVerificationToken"] = Token(users),
        }))).StatusCode.ShouldBe(HttpStatusCode.OK);
        var picker = await SignedInAsync("picker", "picker-password-1");

        (await picker.GetAsync("/orders/alerts")).Headers.Location!.ToString().ShouldContain("/denied");
        (await admin.GetAsync("/orders/alerts")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
