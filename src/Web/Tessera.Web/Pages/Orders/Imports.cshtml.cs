using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Tessera.Orders.Contracts;
using Tessera.Web.FrontEnd;
using Tessera.Web.Services;

namespace Tessera.Web.Pages.Orders;

/// <summary>
/// Order imports: upload a CSV (sales), and the latest imports with their progress (everyone). The upload is streamed
/// from the browser to the orders service as it arrives: up to 100 MB, never buffered in memory or a temporary file
/// here (it is personal data). So the form is not model-bound: its antiforgery token is its first field, checked by
/// hand before the file is passed on.
/// </summary>
[IgnoreAntiforgeryToken]
[RequestSizeLimit(MaxRequestBytes)]
public sealed class ImportsModel(
    OrdersApi orders, OrderUploadsApi uploads, IAuthorizationService authorization, IAntiforgery antiforgery, IOptions<AntiforgeryOptions> antiforgeryOptions)
    : PageModel
{
    public const long MaxFileBytes = 100L * 1024 * 1024;

    /// <summary>The file and the multipart envelope around it (the form's other field, headers, boundaries).</summary>
    public const long MaxRequestBytes = MaxFileBytes + 1024 * 1024;

    public const int ListLimit = 20;
    public const string TokenField = "__RequestVerificationToken";

    public Section<IReadOnlyList<OrderImportDto>> Imports { get; private set; } = null!;
    public Section<OrderImportFormatDto?> Format { get; private set; } = null!;
    public bool CanImport { get; private set; }
    public ApiProblem? Problem { get; private set; }

    public bool AnyRunning => Imports is { IsUp: true } && Imports.Value!.Any(i => !i.Finished);

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        CanImport = await CanImportAsync();
        await LoadAsync(cancellationToken);
    }

    /// <summary>The list alone: polled while an import runs, and the retry of an unavailable orders service.</summary>
    public async Task<IActionResult> OnGetListAsync(CancellationToken cancellationToken)
    {
        Imports = await LoadImportsAsync(cancellationToken);
        return Partial("_ImportList", this);
    }

    /// <summary>A file to fill in: the header row with the usual columns and the tenant's own attributes.</summary>
    public async Task<IActionResult> OnGetTemplateAsync(CancellationToken cancellationToken)
    {
        var template = await Section<(OrderImportFormatDto? Format, IReadOnlyList<AttributeDefinitionDto> Attributes)>.LoadAsync(
            async () => (await orders.ImportFormatAsync(cancellationToken), await orders.AttributesAsync(cancellationToken)), "");
        if (template.Value.Format is null)
            return Redirect("/orders/imports");
        // Attribute names are identifiers (letters, digits, underscores), so no field of the header needs quoting.
        var (format, attributes) = (template.Value.Format, template.Value.Attributes);
        var header = TemplateColumns.Concat(attributes.Select(d => format.AttributePrefix + d.Name));
        return File(System.Text.Encoding.UTF8.GetBytes(string.Join(',', header) + "\r\n"), "text/csv", "orders-import.csv");
    }

    public static readonly IReadOnlyList<string> TemplateColumns =
    [
        "channel", "external_ref", "placed_at", "customer_name", "customer_phone", "customer_email", "ship_consignee", "ship_phone", "ship_line1",
        "ship_district", "ship_city", "ship_country", "sku", "quantity", "unit_price", "line_discount", "tax_rate", "shipping_fee", "payment_method",
        "payment_status", "tags", "notes",
    ];

    /// <remarks>No parameters, not even a CancellationToken: binding any would make MVC read (and buffer) the whole form first.</remarks>
    public async Task<IActionResult> OnPostAsync()
    {
        var cancellationToken = HttpContext.RequestAborted;
        if (!await CanImportAsync())
            return Forbid();
        CanImport = true;
        if (Request.ContentLength > MaxRequestBytes)
            return await ShowAsync(ProblemExtensions.Local("The file is too large.", $"A file may be at most {MaxFileBytes / (1024 * 1024)} MB; split it into several files.",
                "file", $"At most {MaxFileBytes / (1024 * 1024)} MB."), cancellationToken);
        if (!MediaTypeHeaderValue.TryParse(Request.ContentType, out var type) || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || HeaderUtilities.RemoveQuotes(type.Boundary).Value is not { Length: > 0 } boundary)
            return BadRequest();

        var reader = new MultipartReader(boundary, Request.Body);
        while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
        {
            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || !disposition.IsFormDisposition() && !disposition.IsFileDisposition())
                continue;
            var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value;
            if (name == TokenField && !Request.Headers.ContainsKey(antiforgeryOptions.Value.HeaderName!))
            {
                // The token field comes first in the form; as a header it is checked without reading the rest of the body.
                using var token = new StreamReader(section.Body);
                var value = new char[4096];
                var length = await token.ReadBlockAsync(value, cancellationToken);
                Request.Headers[antiforgeryOptions.Value.HeaderName!] = new string(value, 0, length);
                continue;
            }
            if (name != "file")
                continue;

            if (!await TokenIsValidAsync())
                return BadRequest();
            var fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value;
            if (string.IsNullOrWhiteSpace(fileName))
                return await ShowAsync(ChooseFile, cancellationToken);

            var result = await Section<ApiResult<OrderImportDto>>.LoadAsync(() => uploads.UploadAsync(section.Body, Path.GetFileName(fileName), cancellationToken), "");
            if (!result.IsUp)
                return await ShowAsync(ProblemExtensions.Local("Orders is unavailable; the file was not imported.", "Upload it again in a moment."), cancellationToken);
            if (result.Value!.Succeeded)
                return Redirect($"/orders/imports/{result.Value.Value!.Id}");
            return await ShowAsync(result.Value.Problem!, cancellationToken);
        }

        if (!await TokenIsValidAsync())
            return BadRequest();
        return await ShowAsync(ChooseFile, cancellationToken);
    }

    /// <summary>Only with the token as a header: without one, antiforgery would read (and buffer) the whole form looking for it.</summary>
    private async Task<bool> TokenIsValidAsync() =>
        Request.Headers.ContainsKey(antiforgeryOptions.Value.HeaderName!) && await antiforgery.IsRequestValidAsync(HttpContext);

    private static ApiProblem ChooseFile => ProblemExtensions.Local("Choose a CSV file to import.", field: "file", message: "Choose a CSV file.");

    private async Task<IActionResult> ShowAsync(ApiProblem problem, CancellationToken cancellationToken)
    {
        Problem = problem;
        await LoadAsync(cancellationToken);
        return Page();
    }

    private async Task<bool> CanImportAsync() => (await authorization.AuthorizeAsync(User, FrontEndModule.Policies.Sell)).Succeeded;

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var imports = LoadImportsAsync(cancellationToken);
        var format = Section<OrderImportFormatDto?>.LoadAsync(() => orders.ImportFormatAsync(cancellationToken), "/orders/imports");
        Imports = await imports;
        Format = await format;
    }

    private Task<Section<IReadOnlyList<OrderImportDto>>> LoadImportsAsync(CancellationToken cancellationToken) =>
        Section<IReadOnlyList<OrderImportDto>>.LoadAsync(() => orders.ImportsAsync(ListLimit, cancellationToken), "/orders/imports?handler=List");

    public static string StatusBadge(string status) => status switch
    {
        "Completed" => "text-bg-success",
        "Failed" => "text-bg-danger",
        "Running" => "text-bg-info",
        _ => "text-bg-secondary",
    };
}
