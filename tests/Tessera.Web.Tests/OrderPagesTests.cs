using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Tessera.Orders.Contracts;

namespace Tessera.Web.Tests;

/// <summary>The order center pages against a scripted orders service: what they send it, and what they show of its answers.</summary>
public sealed class OrderPagesTests(OrderPagesFactory factory) : IClassFixture<OrderPagesFactory>
{
    private OrdersFake Orders => factory.Orders;

    private async Task<HttpClient> SignedInAsync()
    {
        // A client of its own: the factory's clients follow redirects when it runs on Kestrel.
        var browser = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = factory.BaseAddress };
        var form = await browser.GetStringAsync("/signin");
        var response = await browser.PostAsync("/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Tenant"] = "demo",
            ["Username"] = "admin",
            ["Password"] = OrderPagesFactory.AdminPassword,
            ["__RequestVerificationToken"] = Token(form),
        }));
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        return browser;
    }

    private static string Token(string html) =>
        Regex.Match(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"|\"RequestVerificationToken\": \"([^\"]+)\"") is { Success: true } m
            ? (m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value)
            : throw new InvalidOperationException("No antiforgery token in the page.");

    private static OrderSummaryDto Summary(long number, bool archived = false) =>
        new(Guid.NewGuid(), number, OrderStatus.Confirmed, "web", $"EXT-{number}", "VND", 120000, 1, DateTimeOffset.UtcNow, ["vip"], archived);

    [Fact]
    public async Task The_search_sends_every_filter_and_the_next_page_link_keeps_them_with_the_cursor()
    {
        Orders.Reset(OrdersFake.Sample(Guid.NewGuid(), 1));
        Orders.Attributes = [new AttributeDefinitionDto("gift_wrap", "Gift wrap", "boolean", false, [], 1)];
        Orders.SearchPage = new OrderSearchPageDto([Summary(7), Summary(3, archived: true)], "CURSOR-1");
        var browser = await SignedInAsync();

        var html = await browser.GetStringAsync(
            "/orders?q=tea&status=Pending&status=Confirmed&channel=web&from=2026-01-05&to=2026-01-06&sku=TEA-1&tag=vip&attr.gift_wrap=true&phone=0901234567&email=an%40example.com&sort=number&limit=2&includeArchived=true");

        var query = Orders.Of("GET", "/api/orders/search").Single().Query;
        foreach (var expected in new[]
                 {
                     "q=tea", "status=Pending%2CConfirmed", "channel=web", "from=2026-01-05T00%3A00%3A00.0000000%2B07%3A00",
                     "to=2026-01-07T00%3A00%3A00.0000000%2B07%3A00", "sku=TEA-1", "tag=vip", "attr.gift_wrap=true", "phone=0901234567",
                     "email=an%40example.com", "sort=number", "limit=2", "includeArchived=true",
                 })
            query.ShouldContain(expected);
        html.ShouldContain("#7");
        html.ShouldContain("data-testid=\"archived\"");
        var next = WebUtility.HtmlDecode(Regex.Match(html, "href=\"([^\"]*)\"[^>]*rel=\"next\"").Groups[1].Value);
        next.ShouldStartWith("/orders?q=tea&status=Pending%2CConfirmed&channel=web&from=2026-01-05&to=2026-01-06&sku=TEA-1&tag=vip");
        next.ShouldContain("attr.gift_wrap=true");
        next.ShouldEndWith("sort=number&limit=2&includeArchived=true&after=CURSOR-1");
        html.ShouldContain("<label class=\"form-label\" for=\"attr-gift_wrap\">Gift wrap</label>");
    }

    [Fact]
    public async Task A_search_the_orders_service_refuses_says_why_instead_of_listing_nothing()
    {
        Orders.Reset(OrdersFake.Sample(Guid.NewGuid(), 1));
        var browser = await SignedInAsync();

        var html = await browser.GetStringAsync("/orders?q=ab");

        html.ShouldContain("data-testid=\"search-problem\"");
        html.ShouldContain("Search text needs at least three characters (or an order number).");
    }

    [Fact]
    public async Task Saving_an_edit_sends_only_the_parts_that_changed_with_the_version_the_form_was_loaded_at()
    {
        var order = OrdersFake.Sample(Guid.NewGuid(), 4);
        Orders.Reset(order);
        var browser = await SignedInAsync();
        var page = await browser.GetStringAsync($"/orders/{order.Id}/edit");

        var form = HtmlForms.Fields(page, "edit-form").With("Form.Operational.Notes", "Leave it at the door");
        var response = await browser.PostAsync($"/orders/{order.Id}/edit", new FormUrlEncodedContent(form));

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        response.Headers.Location!.ToString().ShouldBe($"/orders/{order.Id}");
        var patch = Orders.Of("PATCH", $"/api/orders/{order.Id}").Single();
        patch.IfMatch.ShouldBe("\"4\"");
        var body = OrdersFake.Body(patch);
        body.GetProperty("operational").GetProperty("notes").GetString().ShouldBe("Leave it at the door");
        body.GetProperty("operational").GetProperty("tags").EnumerateArray().Select(t => t.GetString()).ShouldBe(["vip"]);
        foreach (var untouched in new[] { "customer", "shipping", "lines", "attributes" })
            body.GetProperty(untouched).ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Null, untouched);
    }

    [Fact]
    public async Task An_edit_that_meets_a_newer_version_shows_what_changed_meanwhile_and_keeps_the_users_changes_to_save_again()
    {
        var order = OrdersFake.Sample(Guid.NewGuid(), 1);
        Orders.Reset(order);
        var browser = await SignedInAsync();
        var page = await browser.GetStringAsync($"/orders/{order.Id}/edit");
        // Someone else tags the order meanwhile.
        Orders.Order = OrdersFake.Sample(order.Id, 2, tags: ["vip", "wholesale"]);

        var mine = HtmlForms.Fields(page, "edit-form").With("Form.Operational.Notes", "Leave it at the door")
            .With("Form.Customer.Phone", "0987654321");
        var conflict = await browser.PostAsync($"/orders/{order.Id}/edit", new FormUrlEncodedContent(mine));

        conflict.StatusCode.ShouldBe(HttpStatusCode.OK);
        var html = await conflict.Content.ReadAsStringAsync();
        html.ShouldContain("Someone else changed this order while you were editing it.");
        Regex.Match(html, "<th scope=\"row\">Tags</th>\\s*<td>vip</td>\\s*<td>vip, wholesale</td>").Success.ShouldBeTrue("their change is listed with before and after");
        var again = HtmlForms.Fields(html, "edit-form");
        again.Value("Version").ShouldBe("2");
        again.Value("Form.Operational.Tags").ShouldBe("vip, wholesale");
        again.Value("Form.Operational.Notes").ShouldBe("Leave it at the door");
        again.Value("Form.Customer.Phone").ShouldBe("0987654321");

        var saved = await browser.PostAsync($"/orders/{order.Id}/edit", new FormUrlEncodedContent(again));

        saved.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var patch = Orders.Of("PATCH", $"/api/orders/{order.Id}").Last();
        patch.IfMatch.ShouldBe("\"2\"");
        var body = OrdersFake.Body(patch);
        body.GetProperty("operational").GetProperty("tags").EnumerateArray().Select(t => t.GetString()).ShouldBe(["vip", "wholesale"]);
        body.GetProperty("operational").GetProperty("notes").GetString().ShouldBe("Leave it at the door");
        body.GetProperty("customer").GetProperty("phone").GetString().ShouldBe("0987654321");
        body.GetProperty("shipping").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Null);
    }

    [Fact]
    public async Task An_edit_the_order_can_no_longer_take_shows_the_reason_and_keeps_the_form()
    {
        var order = OrdersFake.Sample(Guid.NewGuid(), 1);
        Orders.Reset(order);
        var browser = await SignedInAsync();
        var page = await browser.GetStringAsync($"/orders/{order.Id}/edit");
        Orders.PatchRefusal = (409, "The order can no longer be changed", "Order 1024 is Dispatched; nothing can change once it is dispatched.");

        var response = await browser.PostAsync($"/orders/{order.Id}/edit",
            new FormUrlEncodedContent(HtmlForms.Fields(page, "edit-form").With("Form.Operational.Notes", "Too late")));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var html = await response.Content.ReadAsStringAsync();
        html.ShouldContain("The order can no longer be changed");
        html.ShouldContain("nothing can change once it is dispatched.");
        HtmlForms.Fields(html, "edit-form").Value("Form.Operational.Notes").ShouldBe("Too late");
    }

    [Fact]
    public async Task An_import_file_larger_than_the_default_request_limit_streams_through_to_the_orders_service_unchanged()
    {
        Orders.Reset(OrdersFake.Sample(Guid.NewGuid(), 1));
        var browser = await SignedInAsync();
        var page = await browser.GetStringAsync("/orders/imports");
        // Beyond Kestrel's default 30 MB, which the import page raises to 100 MB.
        var file = new byte[36 * 1024 * 1024];
        new Random(7).NextBytes(file);

        using var content = new MultipartFormDataContent
        {
            { new StringContent(Token(page)), "__RequestVerificationToken" },
            { new ByteArrayContent(file) { Headers = { ContentType = new MediaTypeHeaderValue("text/csv") } }, "file", "đơn hàng.csv" },
        };
        var response = await browser.PostAsync("/orders/imports", content);

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        response.Headers.Location!.ToString().ShouldStartWith("/orders/imports/");
        var upload = Orders.Uploads.Single();
        (upload.FileName, upload.Length, upload.Sha256).ShouldBe(("đơn hàng.csv", file.Length, Convert.ToHexStringLower(SHA256.HashData(file))));
    }

    [Fact]
    public async Task An_import_without_the_antiforgery_token_is_refused_before_anything_reaches_the_orders_service()
    {
        Orders.Reset(OrdersFake.Sample(Guid.NewGuid(), 1));
        var browser = await SignedInAsync();

        using var content = new MultipartFormDataContent { { new ByteArrayContent("external_ref,sku,quantity,unit_price\n"u8.ToArray()), "file", "orders.csv" } };
        var response = await browser.PostAsync("/orders/imports", content);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        Orders.Uploads.ShouldBeEmpty();
    }

    [Fact]
    public async Task An_import_form_without_a_file_asks_for_one()
    {
        Orders.Reset(OrdersFake.Sample(Guid.NewGuid(), 1));
        var browser = await SignedInAsync();
        var page = await browser.GetStringAsync("/orders/imports");

        // What a browser sends when no file was chosen: a file part without a name or content.
        var nothing = new ByteArrayContent([]);
        nothing.Headers.TryAddWithoutValidation("Content-Disposition", "form-data; name=\"file\"; filename=\"\"");
        using var content = new MultipartFormDataContent { { new StringContent(Token(page)), "__RequestVerificationToken" } };
        content.Add(nothing);
        var response = await browser.PostAsync("/orders/imports", content);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).ShouldContain("Choose a CSV file");
        Orders.Uploads.ShouldBeEmpty();
    }

    [Fact]
    public async Task The_import_page_shows_the_format_of_the_orders_service_and_a_template_with_the_tenants_attributes()
    {
        Orders.Reset(OrdersFake.Sample(Guid.NewGuid(), 1));
        Orders.Attributes = [new AttributeDefinitionDto("gift_wrap", "Gift wrap", "boolean", false, [], 1)];
        var browser = await SignedInAsync();

        var page = await browser.GetStringAsync("/orders/imports");
        page.ShouldContain("<code class=\"me-1\">ship_city</code>");
        var template = await browser.GetStringAsync("/orders/imports?handler=Template");
        template.ShouldStartWith("channel,external_ref,");
        template.TrimEnd().ShouldEndWith(",attr.gift_wrap");

        // An orders service from before the format endpoint (during a rolling upgrade): the page still works.
        Orders.Format = null;
        (await browser.GetStringAsync("/orders/imports")).ShouldContain("docs/import.md");
    }
}
