using System.Net;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Catalog.Contracts;
using Tessera.Inventory.Contracts;
using Tessera.Logistics.Contracts;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Shipments;

/// <summary>What arrived of one authorized line: how much goes back to stock and how much is damaged.</summary>
public sealed class ReceivedForm
{
    public string Sku { get; set; } = "";
    public decimal? Restock { get; set; }
    public decimal? Damaged { get; set; }
    public int RestockIndex { get; set; } = -1;
    public int DamagedIndex { get; set; } = -1;
}

/// <summary>
/// One customer return and, while it waits, the form to receive it at a warehouse: per line, the quantity that goes
/// back into stock and the quantity that arrived damaged (recorded, not stocked).
/// </summary>
public sealed class ReturnDetailsModel(LogisticsApi logistics, InventoryApi inventory, CatalogApi catalog, IAuthorizationService authorization) : PageModel
{
    [BindProperty(SupportsGet = true)] public Guid Id { get; set; }
    [BindProperty] public long Version { get; set; }
    [BindProperty] public string? Warehouse { get; set; }
    [BindProperty] public List<ReceivedForm> Lines { get; set; } = [];

    public Section<ReturnDto?> Return { get; private set; } = null!;
    public Section<IReadOnlyList<WarehouseDto>> Warehouses { get; private set; } = new([], null);
    public IReadOnlyDictionary<string, ProductDto> Products { get; private set; } = new Dictionary<string, ProductDto>();
    public bool CanReceive { get; private set; }
    public ApiProblem? Problem { get; private set; }

    public ReturnDto Value => Return.Value!;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (await LoadAsync(cancellationToken) is { } notFound)
            return notFound;
        if (Return.IsUp)
            Lines = Value.Lines.Select(l => new ReceivedForm { Sku = l.Sku, Restock = l.Quantity, Damaged = 0 }).ToList();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (!(await authorization.AuthorizeAsync(User, FrontEndModule.Policies.Ship)).Succeeded)
            return Forbid();
        var received = new List<ReceivedLineInput>();
        foreach (var line in Lines)
        {
            if (line.Restock is > 0)
            {
                line.RestockIndex = received.Count;
                received.Add(new ReceivedLineInput(line.Sku, line.Restock, "restock"));
            }
            if (line.Damaged is > 0)
            {
                line.DamagedIndex = received.Count;
                received.Add(new ReceivedLineInput(line.Sku, line.Damaged, "damaged"));
            }
        }

        if (received.Count == 0)
            Problem = ProblemExtensions.Local("Enter what arrived: at least one quantity.", field: "lines", message: "Enter a quantity restocked or damaged for at least one line.");
        else
        {
            var input = new ReceiveInput(Warehouse?.Trim() ?? "", received);
            var result = await Section<ApiResult<ReturnDto>>.LoadAsync(() => logistics.ReceiveReturnAsync(Id, input, Version, cancellationToken), Request.Path);
            if (result.IsUp && result.Value!.Succeeded)
            {
                TempData["Notice"] = $"Return {result.Value.Value!.Number} received at {result.Value.Value.Warehouse}.";
                return Redirect($"/shipments/returns/{Id}");
            }
            Problem = !result.IsUp
                ? ProblemExtensions.Local($"{result.Down!.Title} is unavailable; nothing was received.", "Try again in a moment.")
                : result.Value!.Problem!.Status == HttpStatusCode.PreconditionFailed
                    ? ProblemExtensions.Local("The return changed while you were looking at it.", "Its current state is shown.")
                    : result.Value.Problem;
        }
        return await LoadAsync(cancellationToken) ?? Page();
    }

    private async Task<IActionResult?> LoadAsync(CancellationToken cancellationToken)
    {
        CanReceive = (await authorization.AuthorizeAsync(User, FrontEndModule.Policies.Ship)).Succeeded;
        Return = await Section<ReturnDto?>.LoadAsync(() => logistics.ReturnAsync(Id, cancellationToken), Request.Path);
        if (Return.IsUp && Return.Value is null)
            return NotFound();
        if (!Return.IsUp)
            return null;
        Version = Value.Version;
        var names = Section<IReadOnlyDictionary<string, ProductDto>>.LoadAsync(() => catalog.BySkusAsync(Value.Lines.Select(l => l.Sku), cancellationToken), "");
        var warehouses = CanReceive && Value.Status == "Authorized"
            ? Section<IReadOnlyList<WarehouseDto>>.LoadAsync(() => inventory.WarehousesAsync(cancellationToken), Request.Path)
            : Task.FromResult(new Section<IReadOnlyList<WarehouseDto>>([], null));
        await Task.WhenAll(names, warehouses);
        Products = names.Result.Value ?? new Dictionary<string, ProductDto>();
        Warehouses = warehouses.Result;
        return null;
    }
}
