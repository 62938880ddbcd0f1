using System.Net;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Catalog.Contracts;
using Tessera.Logistics.Contracts;
using Tessera.Orders.Contracts;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Shipments;

/// <summary>A package row of the pack form; Key names the row in the form, Index is its place among the packages sent.</summary>
public sealed class PackageForm
{
    public string Key { get; set; } = Guid.NewGuid().ToString("N")[..8];
    public decimal? WeightKg { get; set; }
    public decimal? LengthCm { get; set; }
    public decimal? WidthCm { get; set; }
    public decimal? HeightCm { get; set; }
    public int Index { get; set; } = -1;

    public bool IsBlank => WeightKg is null && LengthCm is null && WidthCm is null && HeightCm is null;
}

/// <summary>
/// One shipment: its lines (product names from the catalog in one batch call), the recipient (from the orders service:
/// logistics keeps no personal data), packages, carrier and tracking history with the carrier's tracking page, and the
/// warehouse actions the flow allows now — pick, pack, dispatch, return to origin, cancel — each sent with the version
/// shown, so that a change made meanwhile is never overwritten. Each part degrades on its own when its service is down.
/// </summary>
public sealed class DetailsModel(LogisticsApi logistics, CatalogApi catalog, OrdersApi orders, IAuthorizationService authorization, Documents.DocumentComposer documents) : PageModel
{
    [BindProperty(SupportsGet = true)] public Guid Id { get; set; }
    [BindProperty] public long Version { get; set; }
    [BindProperty] public List<PackageForm> Packages { get; set; } = [];
    [BindProperty] public string? Carrier { get; set; }
    [BindProperty] public string? WaybillNumber { get; set; }
    [BindProperty] public string? Reason { get; set; }
    [BindProperty] public string? Note { get; set; }

    public Section<ShipmentDto?> Shipment { get; private set; } = null!;
    public Section<IReadOnlyDictionary<string, ProductDto>> Products { get; private set; } = new(new Dictionary<string, ProductDto>(), null);
    public Section<OrderDto?> Order { get; private set; } = new(null, null);
    public IReadOnlyList<CarrierDto> Carriers { get; private set; } = [];
    public bool CanShip { get; private set; }

    /// <summary>The action whose form shows <see cref="Problem"/>: "pick", "pack", "dispatch", "return-to-origin" or "cancel".</summary>
    public string? FailedAction { get; private set; }
    public ApiProblem? Problem { get; private set; }

    public ShipmentDto Value => Shipment.Value!;

    public bool Allows(string action) => CanShip && Shipment.IsUp && Value.AllowedActions.Contains(action);

    public ApiProblem? ProblemOf(string action) => FailedAction == action ? Problem : null;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (await LoadAsync(cancellationToken) is { } notFound)
            return notFound;
        Packages = [new PackageForm()];
        return Page();
    }

    /// <summary>The whole shipment again, once logistics is back (the page polls this while it is down).</summary>
    /// <summary>The packing slip to put in the box (PDF).</summary>
    public async Task<IActionResult> OnGetPackingSlipAsync(CancellationToken cancellationToken) =>
        Pdf(await documents.PackingSlipAsync(Id, cancellationToken), "packing-slip");

    /// <summary>The pick list of this shipment (PDF).</summary>
    public async Task<IActionResult> OnGetPickListAsync(CancellationToken cancellationToken) =>
        Pdf(await documents.PickListAsync([Id], cancellationToken), "pick-list");

    /// <summary>The shipping label with the waybill barcode (PDF).</summary>
    public async Task<IActionResult> OnGetLabelAsync(CancellationToken cancellationToken) =>
        Pdf(await documents.LabelAsync(Id, cancellationToken), "label");

    private IActionResult Pdf(byte[]? pdf, string name) =>
        pdf is null ? NotFound() : File(pdf, Documents.DocumentComposer.ContentType, $"{name}-{Id:N}.pdf");

    public async Task<IActionResult> OnGetBodyAsync(CancellationToken cancellationToken)
    {
        if (await LoadAsync(cancellationToken) is { } notFound)
            return notFound;
        Packages = [new PackageForm()];
        return Partial("_ShipmentBody", this);
    }

    /// <summary>The lines again, once the catalog is back (the page polls this while names are missing).</summary>
    public async Task<IActionResult> OnGetLinesAsync(CancellationToken cancellationToken)
    {
        Shipment = await Section<ShipmentDto?>.LoadAsync(() => logistics.ShipmentAsync(Id, cancellationToken), $"/shipments/{Id}?handler=Lines");
        if (Shipment.IsUp && Shipment.Value is null)
            return NotFound();
        if (Shipment.IsUp)
            Products = await LoadProductsAsync(cancellationToken);
        return Partial("_ShipmentLines", this);
    }

    /// <summary>The recipient from the orders service, once it is back.</summary>
    public async Task<IActionResult> OnGetRecipientAsync(CancellationToken cancellationToken)
    {
        // Only for a shipment this user can see: the order id comes from the shipment, never from the query.
        Shipment = await Section<ShipmentDto?>.LoadAsync(() => logistics.ShipmentAsync(Id, cancellationToken), $"/shipments/{Id}?handler=Recipient");
        if (Shipment.IsUp && Shipment.Value is null)
            return NotFound();
        if (Shipment.IsUp)
            Order = await LoadOrderAsync(cancellationToken);
        return Partial("_ShipmentRecipient", this);
    }

    public IActionResult OnGetPackage() => Partial("_PackageRow", new PackageForm());

    public Task<IActionResult> OnPostPickAsync(CancellationToken cancellationToken) =>
        ActAsync("pick", ct => logistics.PickAsync(Id, Version, ct), s => $"Shipment {s.Number} picked.", cancellationToken);

    public Task<IActionResult> OnPostPackAsync(CancellationToken cancellationToken)
    {
        Packages = Packages.Where(p => !p.IsBlank).ToList();
        for (var i = 0; i < Packages.Count; i++)
            Packages[i].Index = i;
        var input = Packages.Select(p => new PackageInput(p.WeightKg, p.LengthCm, p.WidthCm, p.HeightCm)).ToList();
        if (Packages.Count == 0)
            Packages.Add(new PackageForm());
        return ActAsync("pack", ct => logistics.PackAsync(Id, input, Version, ct), s => $"Shipment {s.Number} packed in {s.Packages.Count} package(s).", cancellationToken);
    }

    public Task<IActionResult> OnPostDispatchAsync(CancellationToken cancellationToken) =>
        ActAsync("dispatch", ct => logistics.DispatchAsync(Id, Blank(Carrier), Blank(WaybillNumber), Version, ct),
            s => $"Shipment {s.Number} dispatched with {s.CarrierName ?? s.Carrier}, waybill {s.WaybillNumber}.", cancellationToken);

    public Task<IActionResult> OnPostReturnAsync(CancellationToken cancellationToken) =>
        ActAsync("return-to-origin", ct => logistics.ReturnToOriginAsync(Id, Blank(Note), Version, ct),
            s => $"Shipment {s.Number} is back in {s.Warehouse}.", cancellationToken);

    public Task<IActionResult> OnPostCancelAsync(CancellationToken cancellationToken) =>
        ActAsync("cancel", ct => logistics.CancelAsync(Id, Reason?.Trim() ?? "", Version, ct), s => $"Shipment {s.Number} cancelled.", cancellationToken);

    private async Task<IActionResult> ActAsync(
        string action, Func<CancellationToken, Task<ApiResult<ShipmentDto>>> send, Func<ShipmentDto, string> notice, CancellationToken cancellationToken)
    {
        if (!(await authorization.AuthorizeAsync(User, FrontEndModule.Policies.Ship)).Succeeded)
            return Forbid();
        var result = await Section<ApiResult<ShipmentDto>>.LoadAsync(() => send(cancellationToken), Request.Path);
        if (result.IsUp && result.Value!.Succeeded)
        {
            TempData["Notice"] = notice(result.Value.Value!);
            return Redirect($"/shipments/{Id}");
        }

        FailedAction = action;
        Problem = !result.IsUp
            ? ProblemExtensions.Local($"{result.Down!.Title} is unavailable; nothing was changed.", "Try again in a moment.")
            : result.Value!.Problem!.Status == HttpStatusCode.PreconditionFailed
                ? ProblemExtensions.Local("The shipment changed while you were looking at it.", "Its current state is shown; do it again if it is still needed.")
                : result.Value.Problem;
        if (await LoadAsync(cancellationToken) is { } notFound)
            return notFound;
        if (Packages.Count == 0)
            Packages = [new PackageForm()];
        return Page();
    }

    private async Task<IActionResult?> LoadAsync(CancellationToken cancellationToken)
    {
        CanShip = (await authorization.AuthorizeAsync(User, FrontEndModule.Policies.Ship)).Succeeded;
        Shipment = await Section<ShipmentDto?>.LoadAsync(() => logistics.ShipmentAsync(Id, cancellationToken), $"/shipments/{Id}?handler=Body");
        if (Shipment.IsUp && Shipment.Value is null)
            return NotFound();
        if (!Shipment.IsUp)
            return null;
        // The three other sources go out together: catalog names, the order's recipient, the carriers to dispatch with.
        var products = LoadProductsAsync(cancellationToken);
        var order = LoadOrderAsync(cancellationToken);
        var carriers = Value.AllowedActions.Contains("dispatch")
            ? Section<IReadOnlyList<CarrierDto>>.LoadAsync(() => logistics.CarriersAsync(cancellationToken), "")
            : Task.FromResult(new Section<IReadOnlyList<CarrierDto>>([], null));
        await Task.WhenAll(products, order, carriers);
        (Products, Order, Carriers) = (products.Result, order.Result, carriers.Result.Value ?? []);
        Version = Value.Version;
        Carrier ??= Value.Carrier;
        return null;
    }

    private Task<Section<IReadOnlyDictionary<string, ProductDto>>> LoadProductsAsync(CancellationToken cancellationToken) =>
        Section<IReadOnlyDictionary<string, ProductDto>>.LoadAsync(() => catalog.BySkusAsync(Value.Lines.Select(l => l.Sku), cancellationToken),
            $"/shipments/{Id}?handler=Lines");

    private Task<Section<OrderDto?>> LoadOrderAsync(CancellationToken cancellationToken) =>
        Section<OrderDto?>.LoadAsync(() => orders.GetAsync(Value.OrderId, cancellationToken), $"/shipments/{Id}?handler=Recipient");

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
