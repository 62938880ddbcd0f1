using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Tessera.Orders.Contracts;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;
using Tessera.Web.Data;

namespace Tessera.Web.Tests;

/// <summary>
/// The web front-end on a real Kestrel (body size limits apply as in production) in front of a scripted "orders"
/// service on loopback that records what the pages sent it; catalog and inventory are down.
/// </summary>
public sealed class OrderPagesFactory : ServiceFactory<Program, WebDbContext>, IAsyncLifetime
{
    public const string AdminPassword = "demo-password-123";
    private readonly int _ordersPort = Ports.Free();
    private WebApplication? _orders;

    public OrderPagesFactory() => UseKestrel(0);

    public OrdersFake Orders { get; } = new();

    /// <summary>Where the front-end listens (Kestrel, on a port of its own).</summary>
    public Uri BaseAddress { get; private set; } = null!;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Tessera:Bootstrap:AdminPassword"] = AdminPassword,
        ["Tessera:Services:catalog"] = $"http://127.0.0.1:{Ports.Free()}",
        ["Tessera:Services:inventory"] = $"http://127.0.0.1:{Ports.Free()}",
        ["Tessera:Services:orders"] = $"http://127.0.0.1:{_ordersPort}",
    };

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{_ordersPort}");
        builder.WebHost.ConfigureKestrel(o => o.Limits.MaxRequestBodySize = null);
        _orders = builder.Build();
        Orders.Map(_orders);
        await _orders.StartAsync();
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal));
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        if (_orders is not null)
            await _orders.DisposeAsync();
    }
}

/// <summary>What the scripted orders service answers, and every request it received.</summary>
public sealed class OrdersFake
{
    public sealed record Received(string Method, string Path, string Query, string? IfMatch, string Body);

    public sealed record Upload(string FileName, long Length, string Sha256);

    public ConcurrentQueue<Received> Requests { get; } = new();
    public ConcurrentQueue<Upload> Uploads { get; } = new();
    public OrderDto Order { get; set; } = Sample(Guid.NewGuid(), 1);
    public List<AttributeDefinitionDto> Attributes { get; set; } = [];
    public OrderSearchPageDto SearchPage { get; set; } = new([], null);

    /// <summary>The fulfilment alerts the service holds; resolving one clears it here.</summary>
    public List<FulfilmentAlertDto> Alerts { get; set; } = [];

    /// <summary>What the format endpoint answers; null answers 404, as an orders service from before the endpoint.</summary>
    public OrderImportFormatDto? Format { get; set; }

    /// <summary>When set, PATCH answers this status (with a problem) instead of applying the change.</summary>
    public (int Status, string Title, string Detail)? PatchRefusal { get; set; }

    public void Reset(OrderDto order)
    {
        Requests.Clear();
        Uploads.Clear();
        (Order, PatchRefusal, SearchPage, Alerts) = (order, null, new OrderSearchPageDto([], null), []);
        Format = new OrderImportFormatDto(["external_ref", "sku", "quantity", "unit_price"], ["external_ref", "ship_city"], ["sku", "quantity", "unit_price"],
            "attr.", "import", 100L * 1024 * 1024);
    }

    public IEnumerable<Received> Of(string method, string pathStart) =>
        Requests.Where(r => r.Method == method && r.Path.StartsWith(pathStart, StringComparison.Ordinal));

    public void Map(WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/api/orders/imports") && HttpMethods.IsPost(context.Request.Method))
            {
                await next(context);
                return;
            }
            using var reader = new StreamReader(context.Request.Body);
            Requests.Enqueue(new Received(context.Request.Method, context.Request.Path, context.Request.QueryString.Value ?? "",
                context.Request.Headers.IfMatch.ToString() is { Length: > 0 } ifMatch ? ifMatch : null, await reader.ReadToEndAsync()));
            await next(context);
        });
        app.MapGet("/api/orders/attributes", () => Json(Attributes));
        app.MapGet("/api/orders/search", (HttpContext http) => http.Request.Query["q"] == "ab"
            ? Results.ValidationProblem(new Dictionary<string, string[]> { ["q"] = ["Search text needs at least three characters (or an order number)."] })
            : Json(SearchPage));
        app.MapGet("/api/orders/{id:guid}", (Guid id) => id == Order.Id ? Json(Order) : Results.Problem(statusCode: 404, title: "No such order"));
        app.MapPatch("/api/orders/{id:guid}", (HttpContext http) =>
        {
            if (PatchRefusal is { } refusal)
                return Results.Problem(statusCode: refusal.Status, title: refusal.Title, detail: refusal.Detail);
            if (http.Request.Headers.IfMatch.ToString() != $"\"{Order.Version}\"")
                return Results.Problem(statusCode: 412, title: "The order changed", detail: "Reload it and apply your change again.");
            Order = Order with { Version = Order.Version + 1 };
            return Json(Order);
        });
        app.MapGet("/api/orders/fulfilment/alerts", (int? page, int? pageSize, bool? includeCleared) =>
        {
            var items = Alerts.Where(a => includeCleared == true || a.ClearedAt is null).OrderByDescending(a => a.RaisedAt).ToList();
            return Json(new Tessera.ServiceDefaults.Api.PagedResult<FulfilmentAlertDto>(items, page ?? 1, pageSize ?? 50, items.Count));
        });
        app.MapPost("/api/orders/fulfilment/alerts/{id:long}/resolve", (long id, HttpContext http) =>
        {
            // The recording middleware has read the body already.
            var note = JsonDocument.Parse(Requests.Last(r => r.Path == http.Request.Path).Body).RootElement.GetProperty("note").GetString();
            if (string.IsNullOrWhiteSpace(note))
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["note"] = ["'Note' must not be empty."] });
            var index = Alerts.FindIndex(a => a.Id == id);
            if (index < 0)
                return Results.Problem(statusCode: 404, title: "Alert not found");
            Alerts[index] = Alerts[index] with { ClearedAt = DateTimeOffset.UtcNow, ClearedBy = "admin", ClearedBecause = "resolved by admin: " + note };
            return Json(Alerts[index]);
        });
        app.MapGet("/api/orders/imports", () => Json(new List<OrderImportDto>()));
        app.MapGet("/api/orders/imports/format", () => Format is null ? Results.NotFound() : Json(Format));
        app.MapPost("/api/orders/imports", async (HttpContext http) =>
        {
            var type = MediaTypeHeaderValue.Parse(http.Request.ContentType);
            var reader = new MultipartReader(HeaderUtilities.RemoveQuotes(type.Boundary).Value!, http.Request.Body);
            var section = await reader.ReadNextSectionAsync();
            var disposition = ContentDispositionHeaderValue.Parse(section!.ContentDisposition);
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[81920];
            long length = 0;
            int read;
            while ((read = await section.Body.ReadAsync(buffer)) > 0)
            {
                sha.AppendData(buffer, 0, read);
                length += read;
            }
            var upload = new Upload(HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value!,
                length, Convert.ToHexStringLower(sha.GetHashAndReset()));
            Uploads.Enqueue(upload);
            var import = new OrderImportDto(Guid.NewGuid(), upload.FileName, "Queued", 0, 0, 0, 0, 0, 0, null, "admin", DateTimeOffset.UtcNow, null, null);
            return Results.Json(import, TesseraJson.Options, statusCode: 202);
        });
    }

    private static IResult Json(object value) => Results.Json(value, TesseraJson.Options);

    public static OrderDto Sample(Guid id, long version, IReadOnlyList<string>? tags = null, string? notes = null) => new(
        id, 1024, OrderStatus.Confirmed, "web", "EXT-1024", "VND",
        new CustomerDto("Nguyễn Văn An", "0901234567", "an@example.com"),
        [new OrderLineDto(1, "TEA-1", "Green tea 500g", 2, 120000, 0, 0, 0.1m, 24000, 264000)],
        264000, DateTimeOffset.Parse("2026-01-05T03:00:00Z", System.Globalization.CultureInfo.InvariantCulture), [], [], version,
        new ShippingDto("Nguyễn Văn An", "0901234567", new AddressDto("1 Lê Lợi", null, "Bến Nghé", "Quận 1", "Hồ Chí Minh", null, null, "VN"), null, "standard"),
        new MarketingDto([], [], []), new TotalsDto(240000, 0, 24000, 0, 264000), new PaymentDto("cod", PaymentStatus.Unpaid),
        new OperationalDto(null, notes, tags ?? ["vip"]), new Dictionary<string, string> { ["gift_wrap"] = "true" },
        [new TimelineEntryDto(DateTimeOffset.Parse("2026-01-05T03:00:00Z", System.Globalization.CultureInfo.InvariantCulture), "status", "admin", "Pending")]);

    public static JsonElement Body(Received request) => JsonDocument.Parse(request.Body).RootElement;
}
