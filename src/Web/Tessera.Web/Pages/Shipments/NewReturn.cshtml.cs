using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Catalog.Contracts;
using Tessera.Logistics.Contracts;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Shipments;

/// <summary>A quantity to return of one SKU of the order; SentIndex is its place among the lines sent (for the service's field errors).</summary>
public sealed class ReturnQuantityForm
{
    public string Sku { get; set; } = "";
    public decimal? Quantity { get; set; }
    public int SentIndex { get; set; } = -1;
}

/// <summary>
/// Authorizes a customer return: find the order (by its number, or from a link with its id), see per SKU what was
/// delivered and what may still come back, enter the quantities and a reason. The Idempotency-Key of the form makes a
/// double submit authorize once.
/// </summary>
public sealed class NewReturnModel(LogisticsApi logistics, OrdersApi orders, CatalogApi catalog, IAuthorizationService authorization) : PageModel
{
    [BindProperty(SupportsGet = true)] public Guid? OrderId { get; set; }
    [BindProperty(SupportsGet = true, Name = "order")] public long? OrderNumber { get; set; }
    [BindProperty] public List<ReturnQuantityForm> Lines { get; set; } = [];
    [BindProperty] public string? Reason { get; set; }
    [BindProperty] public string IdempotencyKey { get; set; } = Guid.NewGuid().ToString();

    public Section<ReturnableDto?> Returnable { get; private set; } = new(null, null);
    public IReadOnlyDictionary<string, ProductDto> Products { get; private set; } = new Dictionary<string, ProductDto>();
    public bool NamesMissing { get; private set; }
    public string? LookupMessage { get; private set; }
    public ApiProblem? Problem { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (!await ReturnRights.CanAuthorizeAsync(authorization, User))
            return Forbid();
        await LoadAsync(cancellationToken);
        Lines = Returnable.Value?.Lines.Select(l => new ReturnQuantityForm { Sku = l.Sku }).ToList() ?? [];
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (!await ReturnRights.CanAuthorizeAsync(authorization, User))
            return Forbid();
        if (OrderId is not { } orderId)
            return Redirect("/shipments/returns/new");
        var sent = Lines.Where(l => l.Quantity is > 0).ToList();
        for (var i = 0; i < sent.Count; i++)
            sent[i].SentIndex = i;

        if (sent.Count == 0)
            Problem = ProblemExtensions.Local("Enter a quantity for at least one product.", field: "lines", message: "Enter a quantity to return for at least one product.");
        else
        {
            var input = new ReturnInput(orderId, sent.Select(l => new ReturnLineInput(l.Sku, l.Quantity)).ToList(), Reason?.Trim() ?? "");
            var result = await Section<ApiResult<ReturnDto>>.LoadAsync(() => logistics.AuthorizeReturnAsync(input, IdempotencyKey, cancellationToken), Request.Path);
            if (result.IsUp && result.Value!.Succeeded)
            {
                TempData["Notice"] = $"Return {result.Value.Value!.Number} authorized.";
                return Redirect($"/shipments/returns/{result.Value.Value.Id}");
            }
            Problem = result.IsUp ? result.Value!.Problem
                : ProblemExtensions.Local($"{result.Down!.Title} is unavailable; no return was authorized.", "Try again in a moment: sending the form again will not authorize twice.");
        }
        await LoadAsync(cancellationToken);
        return Page();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        if (OrderId is null && OrderNumber is { } number)
        {
            var found = await Section<Guid?>.LoadAsync(async () =>
                (await orders.ListAsync(new OrderFilter(null, null, null, null, number.ToString(System.Globalization.CultureInfo.InvariantCulture)), 1, 5, cancellationToken))
                .Items.FirstOrDefault(o => o.Number == number)?.Id, Request.Path + Request.QueryString);
            if (!found.IsUp)
            {
                Returnable = new Section<ReturnableDto?>(null, found.Down);
                return;
            }
            OrderId = found.Value;
            if (OrderId is null)
                LookupMessage = $"No order #{number} exists.";
        }
        if (OrderId is not { } orderId)
            return;
        Returnable = await Section<ReturnableDto?>.LoadAsync(async () => await logistics.ReturnableAsync(orderId, cancellationToken), Request.Path + Request.QueryString);
        if (Returnable.Value is { Lines.Count: > 0 } returnable)
        {
            var names = await Section<IReadOnlyDictionary<string, ProductDto>>.LoadAsync(() => catalog.BySkusAsync(returnable.Lines.Select(l => l.Sku), cancellationToken), "");
            Products = names.Value ?? new Dictionary<string, ProductDto>();
            NamesMissing = !names.IsUp;
        }
    }
}
