using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Products;

/// <summary>Creates a product, or edits one. An edit carries the version it was made from; a newer save by someone else is shown, not overwritten.</summary>
public sealed class EditModel(CatalogApi catalog, Formatting fmt) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Sku { get; set; }

    [BindProperty]
    public ProductForm Form { get; set; } = new();

    public ApiProblem? Problem { get; private set; }
    public bool IsNew => Sku is null;
    public Unavailable? Down { get; private set; }

    public sealed class ProductForm
    {
        public string Sku { get; set; } = "";
        public string Name { get; set; } = "";
        public string Category { get; set; } = "";
        public string Unit { get; set; } = "pcs";
        public decimal? Price { get; set; }
        public string Currency { get; set; } = "";
        public long Version { get; set; }
    }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        Form.Currency = fmt.Tenant.Currency;
        if (IsNew)
            return Page();
        var product = await Section<Tessera.Catalog.Contracts.ProductDto?>.LoadAsync(() => catalog.GetAsync(Sku!, cancellationToken), Request.Path);
        if (!product.IsUp)
        {
            Down = product.Down;
            return Page();
        }
        if (product.Value is null)
            return NotFound();
        Load(product.Value);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var input = new ProductInput(IsNew ? Form.Sku.Trim() : Sku!, Form.Name, Form.Category, Form.Unit, Form.Price, Form.Currency);
        var result = await Section<ApiResult<Tessera.Catalog.Contracts.ProductDto>>.LoadAsync(
            () => IsNew ? catalog.CreateAsync(input, cancellationToken) : catalog.UpdateAsync(Sku!, input, Form.Version, cancellationToken), Request.Path);
        if (!result.IsUp)
        {
            Down = result.Down;
            return Page();
        }
        if (result.Value!.Succeeded)
        {
            TempData["Notice"] = IsNew ? $"Product {input.Sku} was created." : $"Product {input.Sku} was saved.";
            return Redirect("/products?search=" + Uri.EscapeDataString(input.Sku));
        }

        Problem = result.Value.Problem;
        if (Problem.IsConflict() && !IsNew)
        {
            // Someone else saved first: show their version, keep nothing of ours silently.
            var current = await catalog.GetAsync(Sku!, cancellationToken);
            if (current is not null)
                Load(current);
            Problem = ProblemExtensions.Local("Someone else changed this product while you were editing it.",
                "Their changes are shown below. Apply yours again and save.");
        }
        return Page();
    }

    private void Load(Tessera.Catalog.Contracts.ProductDto product)
    {
        Form = new ProductForm
        {
            Sku = product.Sku,
            Name = product.Name,
            Category = product.Category,
            Unit = product.Unit,
            Price = product.Price,
            Currency = product.Currency,
            Version = product.Version,
        };
    }
}
