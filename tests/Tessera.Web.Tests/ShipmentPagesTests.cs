using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Catalog.Contracts;
using Tessera.Logistics.Contracts;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;
using Tessera.Web.Data;
using Tessera.Web.Identity;

namespace Tessera.Web.Tests;

/// <summary>
/// The web front-end in front of a scripted "logistics" and "catalog" on one loopback port that record what the pages
/// sent them; "orders" is down (the recipient part degrades on its own).
/// </summary>
public sealed class ShipmentPagesFactory : ServiceFactory<Program, WebDbContext>, IAsyncLifetime
{
    public const string AdminPassword = "demo-password-123";
    private readonly int _port = Ports.Free();
    private WebApplication? _fake;

    public sealed record Received(string Method, string Path, string Query, string? IfMatch, string Body);

    public ConcurrentQueue<Received> Requests { get; } = new();
    public ShipmentDto Shipment { get; set; } = Sample(ShipmentStatus.Packed);

    /// <summary>When set, actions answer this problem instead of moving the shipment.</summary>
    public (int Status, string Title, string Detail)? Refusal { get; set; }

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Tessera:Bootstrap:AdminPassword"] = AdminPassword,
        ["Tessera:Services:logistics"] = $"http://127.0.0.1:{_port}",
        ["Tessera:Services:catalog"] = $"http://127.0.0.1:{_port}",
        ["Tessera:Services:orders"] = $"http://127.0.0.1:{Ports.Free()}",
        ["Tessera:Services:inventory"] = $"http://127.0.0.1:{Ports.Free()}",
    };

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{_port}");
        _fake = builder.Build();
        _fake.Use(async (context, next) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            Requests.Enqueue(new Received(context.Request.Method, context.Request.Path, context.Request.QueryString.Value ?? "",
                context.Request.Headers.IfMatch.ToString() is { Length: > 0 } ifMatch ? ifMatch : null, await reader.ReadToEndAsync()));
            await next(context);
        });
        _fake.MapGet("/api/logistics/shipments/{id:guid}", (Guid id) => id == Shipment.Id ? Json(Shipment) : Results.Problem(statusCode: 404, title: "Shipment not found"));
        _fake.MapGet("/api/logistics/shipments", () => Json(new PagedResult<ShipmentSummaryDto>([Summary(Shipment)], 1, 50, 1)));
        _fake.MapGet("/api/logistics/carriers", () => Json(new List<CarrierDto>
        {
            new("GHN", "Giao Hang Nhanh", "https://track.example/{waybill}", ["standard"], true, 1, DateTimeOffset.UtcNow, null),
        }));
        _fake.MapPost("/api/logistics/shipments/{id:guid}/{action}", (Guid id, string action) =>
        {
            if (Refusal is { } refusal)
                return Results.Problem(statusCode: refusal.Status, title: refusal.Title, detail: refusal.Detail);
            Shipment = Shipment with { Status = ShipmentStatus.Dispatched, Carrier = "GHN", WaybillNumber = "WB-9", Version = Shipment.Version + 1, AllowedActions = [] };
            return Json(Shipment);
        });
        _fake.MapGet("/api/catalog/products", (HttpContext http) =>
        {
            var skus = (http.Request.Query["skus"].ToString()).Split(',', StringSplitOptions.RemoveEmptyEntries);
            var products = skus.Select(s => new ProductDto(Guid.NewGuid(), s, "Product " + s, "Test", "pcs", 1m, "VND", 1, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow)).ToList();
            return Json(new PagedResult<ProductDto>(products, 1, Math.Max(1, products.Count), products.Count));
        });
        await _fake.StartAsync();
        using var scope = Services.CreateScope();
        var created = await scope.ServiceProvider.GetRequiredService<Accounts>()
            .CreateUserAsync("demo", "viewer1", "Viewer", "viewer-password-1", ["viewer"], CancellationToken.None);
        created.Succeeded.ShouldBeTrue();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        if (_fake is not null)
            await _fake.DisposeAsync();
    }

    public IEnumerable<Received> Of(string method, string pathStart) =>
        Requests.Where(r => r.Method == method && r.Path.StartsWith(pathStart, StringComparison.Ordinal));

    private static IResult Json(object value) => Results.Json(value, TesseraJson.Options);

    public static ShipmentDto Sample(ShipmentStatus status) => new(
        Guid.NewGuid(), "SHP-000007", Guid.NewGuid(), 1024, Guid.NewGuid(), "HCM", null, null, "standard", null, null, null, status, null, null,
        [new ShipmentLineDto("TEA-1", 2m), new ShipmentLineDto("CUP-1", 1m)],
        [new PackageDto(1, 1.5m, 30m, 20m, 10m)],
        [new ShipmentHistoryDto(ShipmentStatus.Created, DateTimeOffset.UtcNow, "system", null)],
        [], status == ShipmentStatus.Packed ? ["dispatch", "cancel"] : [], DateTimeOffset.UtcNow, null, null, 7);

    public static ShipmentSummaryDto Summary(ShipmentDto s) =>
        new(s.Id, s.Number, s.OrderId, s.OrderNumber, s.Warehouse, s.Carrier, s.ServiceLevel, s.WaybillNumber, s.Status, s.Lines.Count, 3m, s.CreatedAt, s.CreatedAt);
}

/// <summary>The shipment pages against scripted services: what they show, what they send, and who may act.</summary>
public sealed class ShipmentPagesTests(ShipmentPagesFactory factory) : IClassFixture<ShipmentPagesFactory>
{
    private async Task<HttpClient> SignedInAsync(string username = "admin", string password = ShipmentPagesFactory.AdminPassword)
    {
        var browser = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var form = await browser.GetStringAsync("/signin");
        var response = await browser.PostAsync("/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Tenant"] = "demo", ["Username"] = username, ["Password"] = password, ["__RequestVerificationToken"] = Token(form),
        }));
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        return browser;
    }

    private static string Token(string html) =>
        Regex.Match(html, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"|\"RequestVerificationToken\": \"([^\"]+)\"") is { Success: true } m
            ? (m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value)
            : throw new InvalidOperationException("No antiforgery token in the page.");

    private async Task<HttpResponseMessage> DispatchAsync(HttpClient browser, string html, string carrier, string waybill)
    {
        var fields = HtmlForms.Fields(html, "dispatch-form");
        fields.RemoveAll(f => f.Key is "Carrier" or "WaybillNumber");
        fields.Add(new("Carrier", carrier));
        fields.Add(new("WaybillNumber", waybill));
        return await browser.PostAsync($"/shipments/{factory.Shipment.Id}?handler=Dispatch", new FormUrlEncodedContent(fields));
    }

    [Fact]
    public async Task The_detail_page_shows_the_status_lines_named_in_one_catalog_call_and_the_order_link_while_orders_is_down()
    {
        factory.Shipment = ShipmentPagesFactory.Sample(ShipmentStatus.Packed);
        var browser = await SignedInAsync();
        var catalogCallsBefore = factory.Of("GET", "/api/catalog/products").Count();

        var html = await browser.GetStringAsync($"/shipments/{factory.Shipment.Id}");

        Regex.Match(html, "data-testid=\"shipment-status\"[^>]*>([^<]*)<").Groups[1].Value.ShouldBe("Packed");
        html.ShouldContain($"href=\"/orders/{factory.Shipment.OrderId}\"");
        html.ShouldContain("Product TEA-1");
        html.ShouldContain("Product CUP-1");
        factory.Of("GET", "/api/catalog/products").Count().ShouldBe(catalogCallsBefore + 1);
        HttpUtility.ParseQueryString(factory.Of("GET", "/api/catalog/products").Last().Query)["skus"].ShouldBe("TEA-1,CUP-1");
        html.ShouldContain("Orders is unavailable — retrying.");
        html.ShouldContain($"hx-get=\"/shipments/{factory.Shipment.Id}?handler=Recipient\"");
        Regex.IsMatch(html, "<button[^>]*>Dispatch</button>").ShouldBeTrue();
        html.ShouldContain("Giao Hang Nhanh (GHN)");
    }

    [Fact]
    public async Task Dispatching_sends_the_carrier_and_waybill_with_the_version_shown_and_returns_to_the_shipment()
    {
        factory.Shipment = ShipmentPagesFactory.Sample(ShipmentStatus.Packed);
        factory.Refusal = null;
        var browser = await SignedInAsync();
        var html = await browser.GetStringAsync($"/shipments/{factory.Shipment.Id}");

        var response = await DispatchAsync(browser, html, "GHN", "WB-9");

        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.ToString().ShouldBe($"/shipments/{factory.Shipment.Id}");
        var sent = factory.Of("POST", $"/api/logistics/shipments/{factory.Shipment.Id}/dispatch").Single();
        sent.IfMatch.ShouldBe("\"7\"");
        var body = JsonDocument.Parse(sent.Body).RootElement;
        (body.GetProperty("carrier").GetString(), body.GetProperty("waybillNumber").GetString()).ShouldBe(("GHN", "WB-9"));
        var after = await browser.GetStringAsync($"/shipments/{factory.Shipment.Id}");
        after.ShouldContain("Shipment SHP-000007 dispatched with GHN, waybill WB-9.");
        Regex.Match(after, "data-testid=\"shipment-status\"[^>]*>([^<]*)<").Groups[1].Value.ShouldBe("Dispatched");
    }

    [Fact]
    public async Task A_refused_dispatch_shows_the_reason_beside_the_form()
    {
        factory.Shipment = ShipmentPagesFactory.Sample(ShipmentStatus.Packed);
        factory.Refusal = (409, "The shipment cannot be dispatched", "Shipment SHP-000007 was cancelled (Customer called); a cancelled shipment cannot be dispatched.");
        try
        {
            var browser = await SignedInAsync();
            var html = await browser.GetStringAsync($"/shipments/{factory.Shipment.Id}");

            var response = await DispatchAsync(browser, html, "GHN", "");

            response.StatusCode.ShouldBe(HttpStatusCode.OK);
            var page = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
            page.ShouldContain("The shipment cannot be dispatched");
            page.ShouldContain("a cancelled shipment cannot be dispatched.");
        }
        finally
        {
            factory.Refusal = null;
        }
    }

    [Fact]
    public async Task Someone_without_the_ship_role_sees_no_action_and_cannot_post_one()
    {
        factory.Shipment = ShipmentPagesFactory.Sample(ShipmentStatus.Packed);
        var admin = await SignedInAsync();
        var adminHtml = await admin.GetStringAsync($"/shipments/{factory.Shipment.Id}");
        var viewer = await SignedInAsync("viewer1", "viewer-password-1");
        var before = factory.Of("POST", "/api/logistics").Count();

        var html = await viewer.GetStringAsync($"/shipments/{factory.Shipment.Id}");
        var fields = HtmlForms.Fields(adminHtml, "dispatch-form");
        fields.RemoveAll(f => f.Key == "__RequestVerificationToken");
        fields.Add(new("__RequestVerificationToken", Token(html)));
        var post = await viewer.PostAsync($"/shipments/{factory.Shipment.Id}?handler=Dispatch", new FormUrlEncodedContent(fields));

        html.ShouldNotContain("data-testid=\"dispatch-form\"");
        html.ShouldContain("Warehouse staff move shipments along");
        post.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        post.Headers.Location!.ToString().ShouldContain("/denied");
        factory.Of("POST", "/api/logistics").Count().ShouldBe(before);
    }

    [Fact]
    public async Task The_list_links_each_shipment_and_its_order_and_keeps_the_filters_it_sent()
    {
        factory.Shipment = ShipmentPagesFactory.Sample(ShipmentStatus.Packed);
        var browser = await SignedInAsync();

        var html = await browser.GetStringAsync("/shipments?status=Packed&warehouse=HCM&carrier=GHN&from=2026-01-05&to=2026-01-06&search=SHP");

        html.ShouldContain($"href=\"/shipments/{factory.Shipment.Id}\"");
        html.ShouldContain($"href=\"/orders/{factory.Shipment.OrderId}\"");
        var query = HttpUtility.ParseQueryString(factory.Of("GET", "/api/logistics/shipments").Last(r => r.Path == "/api/logistics/shipments").Query);
        (query["status"], query["warehouse"], query["carrier"], query["search"]).ShouldBe(("Packed", "HCM", "GHN", "SHP"));
        query["from"].ShouldNotBeNull();
        DateTimeOffset.Parse(query["to"]!, System.Globalization.CultureInfo.InvariantCulture)
            .ShouldBeGreaterThan(DateTimeOffset.Parse(query["from"]!, System.Globalization.CultureInfo.InvariantCulture).AddHours(47));
    }
}

/// <summary>The front-end with every service down.</summary>
public sealed class ShipmentPagesDownFactory : ServiceFactory<Program, WebDbContext>
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Tessera:Bootstrap:AdminPassword"] = ShipmentPagesFactory.AdminPassword,
        ["Tessera:Services:logistics"] = $"http://127.0.0.1:{Ports.Free()}",
        ["Tessera:Services:catalog"] = $"http://127.0.0.1:{Ports.Free()}",
        ["Tessera:Services:orders"] = $"http://127.0.0.1:{Ports.Free()}",
        ["Tessera:Services:inventory"] = $"http://127.0.0.1:{Ports.Free()}",
    };
}

public sealed class ShipmentPagesDegradedTests(ShipmentPagesDownFactory factory) : IClassFixture<ShipmentPagesDownFactory>
{
    [Theory]
    [InlineData("/shipments")]
    [InlineData("/shipments/returns")]
    [InlineData("/shipments/carriers")]
    [InlineData("/shipments/tracking")]
    [InlineData("/shipments/0198f3a0-0000-7000-8000-000000000001")]
    public async Task A_page_whose_logistics_is_down_says_so_and_retries_instead_of_failing(string path)
    {
        var browser = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var form = await browser.GetStringAsync("/signin");
        var token = Regex.Match(form, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        (await browser.PostAsync("/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Tenant"] = "demo", ["Username"] = "admin", ["Password"] = ShipmentPagesFactory.AdminPassword, ["__RequestVerificationToken"] = token,
        }))).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        var response = await browser.GetAsync(path);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var html = await response.Content.ReadAsStringAsync();
        html.ShouldContain("Logistics is unavailable — retrying.");
        html.ShouldContain("data-testid=\"unavailable\"");
    }
}
