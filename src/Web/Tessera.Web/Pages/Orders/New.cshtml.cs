using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Orders;

/// <summary>Places an order. The form carries its own Idempotency-Key, so a double submit or a retry after a timeout places it once.</summary>
public sealed class NewModel(OrdersApi orders, CatalogApi catalog, Formatting fmt, Microsoft.Extensions.Localization.IStringLocalizer<SharedResource> localizer)
    : PageModel
{
    [BindProperty] public string Channel { get; set; } = "web";
    [BindProperty] public string? ExternalRef { get; set; }
    [BindProperty] public string CustomerName { get; set; } = "";
    [BindProperty] public string? CustomerPhone { get; set; }
    [BindProperty] public string? CustomerEmail { get; set; }
    [BindProperty] public List<LineForm> Lines { get; set; } = [];
    [BindProperty] public string IdempotencyKey { get; set; } = Guid.NewGuid().ToString();

    /// <summary>A customer of the master the order is for; without one, the customer named is found by phone or e-mail, or created.</summary>
    [BindProperty(SupportsGet = true)] public Guid? CustomerId { get; set; }

    /// <summary>The chosen customer as the picker showed it.</summary>
    public string? ChosenCustomer { get; private set; }

    public ApiProblem? Problem { get; private set; }
    public string Currency => fmt.Tenant.Currency;

    public static readonly LineColumns Columns = new("Unit price", "unitPrice", "/orders/new?handler=Product");

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Lines = [new LineForm()];
        if (CustomerId is { } id && (await Section<Tessera.Orders.Contracts.CustomerDetailsDto?>.LoadAsync(() => orders.CustomerAsync(id, cancellationToken), "")).Value is { } customer)
        {
            (CustomerName, CustomerPhone, CustomerEmail) = (customer.Name, customer.Phone, customer.Email);
            ChosenCustomer = Label(customer);
        }
    }

    /// <summary>The customer picker: customers whose name, phone, e-mail or number match what was typed.</summary>
    public async Task<IActionResult> OnGetCustomersAsync(string? q, CancellationToken cancellationToken)
    {
        var text = (q ?? "").Trim();
        var found = text.Length < 2
            ? new Section<IReadOnlyList<Tessera.Orders.Contracts.CustomerDetailsDto>>([], null)
            : await Section<IReadOnlyList<Tessera.Orders.Contracts.CustomerDetailsDto>>.LoadAsync(
                async () => (await orders.CustomersAsync(text, 1, 8, cancellationToken)).Items, "");
        return Partial("_CustomerOptions", found);
    }

    public static string Label(Tessera.Orders.Contracts.CustomerDetailsDto c) =>
        $"#{c.Number} {c.Name}" + (c.Phone is { } phone ? " · " + phone : "") + (c.Email is { } email ? " · " + email : "");

    /// <summary>One more empty line.</summary>
    public IActionResult OnGetLine() => Row(new LineForm());

    /// <summary>What the catalog says about a line's SKU: its name, and its price to offer.</summary>
    public async Task<IActionResult> OnGetProductAsync(string key, CancellationToken cancellationToken)
    {
        var line = new LineForm { Key = key, Sku = Request.Query[$"Lines[{key}].Sku"].FirstOrDefault()?.Trim() ?? "" };
        if (line.Sku.Length > 0)
        {
            var product = await Section<Tessera.Catalog.Contracts.ProductDto?>.LoadAsync(() => catalog.GetAsync(line.Sku, cancellationToken), "");
            line.Description = !product.IsUp ? localizer["Catalog is unavailable; the price cannot be looked up."] : product.Value?.Name ?? localizer["Unknown SKU"];
            line.CatalogPrice = product.Value?.Price;
        }
        return Partial("_LineInfo", line);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        Lines = LineForm.Sent(Lines);
        if (Lines.Count == 0)
            Lines.Add(new LineForm());

        var input = new OrderInput(Channel, string.IsNullOrWhiteSpace(ExternalRef) ? null : ExternalRef.Trim(), null,
            new OrderCustomerInput(CustomerName, string.IsNullOrWhiteSpace(CustomerPhone) ? null : CustomerPhone, string.IsNullOrWhiteSpace(CustomerEmail) ? null : CustomerEmail),
            Lines.Where(l => l.Index >= 0).Select(l => new OrderLineInput(l.Sku.Trim(), l.Quantity, l.Price)).ToList(), CustomerId);
        var result = await Section<ApiResult<Tessera.Orders.Contracts.OrderCreatedDto>>.LoadAsync(
            () => orders.PlaceAsync(input, IdempotencyKey, cancellationToken), "");
        if (!result.IsUp)
        {
            Problem = ProblemExtensions.Local("Orders is unavailable; the order was not placed.",
                "Try again in a moment: sending the form again will not place it twice.");
            return Page();
        }
        if (result.Value!.Succeeded)
            return Redirect($"/orders/{result.Value.Value!.Id}");

        Problem = result.Value.Problem;
        if (Problem!.Status == System.Net.HttpStatusCode.UnprocessableEntity && Problem.Title.StartsWith("Idempotency", StringComparison.Ordinal))
            IdempotencyKey = Guid.NewGuid().ToString();
        return Page();
    }

    private PartialViewResult Row(LineForm line)
    {
        var result = Partial("_LineRow", line);
        result.ViewData["Columns"] = Columns;
        return result;
    }
}
