using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Tessera.Orders.Contracts;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Orders;

/// <summary>
/// The tenant's own order fields (extension attributes), for administrators: each is validated on every order write,
/// offered on the edit page and as a search filter, and read from import files as an attr.&lt;name&gt; column.
/// </summary>
public sealed class AttributesModel(OrdersApi orders) : PageModel
{
    public static readonly (string Value, string Label)[] Types =
        [("text", "Text"), ("number", "Number"), ("date", "Date"), ("boolean", "Yes or no"), ("choice", "Choice from a list")];

    /// <summary>The definition being edited (?name=…), or none for a new one.</summary>
    [BindProperty(SupportsGet = true, Name = "name")] public string? Editing { get; set; }

    [BindProperty] public AttributeForm Form { get; set; } = new();

    public sealed class AttributeForm
    {
        public string Name { get; set; } = "";
        public string Label { get; set; } = "";
        public string Type { get; set; } = "text";
        public bool Required { get; set; }

        /// <summary>One allowed value per line (a choice).</summary>
        public string? AllowedValues { get; set; }

        public IReadOnlyList<string> AllowedList => (AllowedValues ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    public Section<IReadOnlyList<AttributeDefinitionDto>> Definitions { get; private set; } = null!;
    public ApiProblem? Problem { get; private set; }
    public bool IsNew => Editing is null;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        if (Editing is not null && Definitions.IsUp)
        {
            if (Definitions.Value!.FirstOrDefault(d => d.Name == Editing) is not { } definition)
                return NotFound();
            Form = new AttributeForm
            {
                Name = definition.Name,
                Label = definition.Label,
                Type = definition.Type,
                Required = definition.Required,
                AllowedValues = string.Join('\n', definition.AllowedValues),
            };
        }
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var name = (Editing ?? Form.Name).Trim();
        Form.Name = name;
        var result = await Section<ApiResult<AttributeDefinitionDto>>.LoadAsync(() => orders.SaveAttributeAsync(name,
            new AttributeDefinitionInput(Form.Label, Form.Type, Form.Required, Form.Type == "choice" ? Form.AllowedList : []), cancellationToken), "");
        if (result is { IsUp: true, Value.Succeeded: true })
        {
            TempData["Notice"] = $"The attribute '{result.Value.Value!.Label}' was saved.";
            return Redirect("/orders/attributes");
        }
        Problem = result.IsUp ? result.Value!.Problem : ProblemExtensions.Local("Orders is unavailable; the attribute was not saved.", "Save again in a moment.");
        await LoadAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostDeleteAsync(string attribute, CancellationToken cancellationToken)
    {
        var result = await Section<ApiProblem?>.LoadAsync(() => orders.DeleteAttributeAsync(attribute, cancellationToken), "");
        if (result is { IsUp: true, Value: null })
        {
            TempData["Notice"] = $"The attribute '{attribute}' was removed. Orders keep the values they have.";
            return Redirect("/orders/attributes");
        }
        Problem = result.IsUp ? result.Value : ProblemExtensions.Local("Orders is unavailable; the attribute was not removed.", "Try again in a moment.");
        Editing = null;
        await LoadAsync(cancellationToken);
        return Page();
    }

    /// <summary>The list alone: the retry of an unavailable orders service.</summary>
    public async Task<IActionResult> OnGetListAsync(CancellationToken cancellationToken)
    {
        await LoadAsync(cancellationToken);
        return Partial("_AttributeList", this);
    }

    private async Task LoadAsync(CancellationToken cancellationToken) =>
        Definitions = await Section<IReadOnlyList<AttributeDefinitionDto>>.LoadAsync(() => orders.AttributesAsync(cancellationToken), "/orders/attributes?handler=List");

    public static string TypeLabel(string type) => Types.FirstOrDefault(t => t.Value == type).Label ?? type;
}
