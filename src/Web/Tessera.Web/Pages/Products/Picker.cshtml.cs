using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Catalog.Contracts;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Products;

/// <summary>
/// The product picker's suggestions as the user types a SKU or a name in a line of an order, purchase order or
/// transfer: up to eight products, each with its price. Choosing one fills the SKU; the line's own lookup then fills
/// the name and offers the price.
/// </summary>
public sealed class PickerModel(CatalogApi catalog) : PageModel
{
    public const int Suggestions = 8;

    public string For { get; private set; } = "";
    public Section<IReadOnlyList<ProductDto>> Products { get; private set; } = null!;

    public async Task OnGetAsync(string? q, string? @for, CancellationToken cancellationToken)
    {
        For = @for ?? "";
        var text = (q ?? "").Trim();
        Products = text.Length < 2
            ? new Section<IReadOnlyList<ProductDto>>([], null)
            : await Section<IReadOnlyList<ProductDto>>.LoadAsync(async () => (await catalog.ListAsync(text, null, 1, Suggestions, cancellationToken)).Items, "");
    }
}
