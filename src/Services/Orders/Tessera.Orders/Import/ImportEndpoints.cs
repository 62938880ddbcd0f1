using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Tessera.Orders.Contracts;
using Tessera.Orders.Data;
using Tessera.ServiceDefaults.Errors;
using Tessera.ServiceDefaults.Json;
using Tessera.ServiceDefaults.Security;
using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.Orders.Import;

/// <summary>
/// Bulk import of orders from CSV (docs/import.md): upload a file (text/csv body, or multipart/form-data with a "file"
/// part), then follow its progress and read the rejected rows with their reasons.
/// </summary>
public static class ImportEndpoints
{
    public static void Map(RouteGroupBuilder orders)
    {
        var imports = orders.MapGroup("/imports").WithTags("Order imports");
        imports.MapPost("/", Upload).RequireRoles(Roles.Sales).WithName("UploadOrderImport")
            .WithSummary("Upload a CSV of orders (text/csv, or multipart/form-data with a 'file' part; at most 100 MB). " +
                         "Answers 202 with the import; follow it at its Location.")
            .Accepts<IFormFile>("text/csv", "multipart/form-data")
            .Produces<OrderImportDto>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        imports.MapGet("/format", Format).WithName("GetOrderImportFormat")
            .WithSummary("The columns of an import file, the attribute column prefix, the default channel and the size limit.");
        imports.MapGet("/", List).WithName("ListOrderImports").WithSummary("The latest imports, newest first.");
        imports.MapGet("/{id:guid}", Get).WithName("GetOrderImport").WithSummary("An import's status, progress and counts.");
        imports.MapGet("/{id:guid}/rejections", Rejections).WithName("GetOrderImportRejections")
            .WithSummary("The rejected rows of an import with their reasons, by row number; page with after=<next>.");
    }

    private static async Task<Results<Accepted<OrderImportDto>, ValidationProblem, ProblemHttpResult>> Upload(
        HttpContext http, ClaimsPrincipal user, OrdersDbContext db, ITenantContext tenant, ImportFileStore files, ImportSignal signal,
        IOptions<ImportOptions> options, TimeProvider clock, CancellationToken cancellationToken)
    {
        var max = options.Value.MaxFileBytes;
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = max + 1024 * 1024; // room for the multipart envelope
        if (http.Request.ContentLength > max + 1024 * 1024)
            return TooLarge(max);

        var upload = await ReadUploadAsync(http.Request, max, cancellationToken);
        if (upload.Problem is { } problem)
            return problem;
        if (upload.Content is null)
            return TooLarge(max);
        if (upload.Content.Length == 0)
            return Problems.Validation("file", "The file is empty: it needs a header row and at least one data row (docs/import.md).");
        // Names and addresses come from these bytes: they follow the same text rules as a JSON body, for the whole file at once.
        if (TextRules.FindForbiddenUtf8(upload.Content) is { } unreadable)
            return Problems.Validation("file", "The file " + unreadable);

        var now = clock.GetUtcNow();
        var import = new OrderImport
        {
            Id = Guid.CreateVersion7(),
            FileName = upload.FileName,
            FileHash = Convert.ToHexStringLower(SHA256.HashData(upload.Content)),
            Status = ImportStatus.Queued,
            CreatedBy = user.Actor(),
            CreatedAt = now,
        };
        // The file first: an import row never points at a file that was not stored.
        await files.SaveAsync(import.Id, tenant.TenantId!, upload.Content, cancellationToken);
        db.Imports.Add(import);
        await db.SaveChangesAsync(cancellationToken);
        signal.Uploaded.Notify();
        return TypedResults.Accepted($"/api/orders/imports/{import.Id}", import.ToDto());
    }

    private static Ok<OrderImportFormatDto> Format(IOptions<ImportOptions> options) =>
        TypedResults.Ok(new OrderImportFormatDto(ImportColumns.Required, ImportColumns.OrderColumns, ImportColumns.LineColumns,
            ImportColumns.AttributePrefix, ImportColumns.DefaultChannel, options.Value.MaxFileBytes));

    private static async Task<Ok<List<OrderImportDto>>> List(OrdersDbContext db, int? limit, CancellationToken cancellationToken)
    {
        var take = Math.Clamp(limit ?? 20, 1, 100);
        var imports = await db.Imports.AsNoTracking().OrderByDescending(i => i.CreatedAt).Take(take).ToListAsync(cancellationToken);
        return TypedResults.Ok(imports.Select(i => i.ToDto()).ToList());
    }

    private static async Task<Results<Ok<OrderImportDto>, ProblemHttpResult>> Get(Guid id, OrdersDbContext db, CancellationToken cancellationToken) =>
        await db.Imports.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, cancellationToken) is { } import
            ? TypedResults.Ok(import.ToDto())
            : Problems.NotFound("Import", id.ToString());

    private static async Task<Results<Ok<ImportRejectionPageDto>, ProblemHttpResult>> Rejections(
        Guid id, int? after, int? limit, OrdersDbContext db, CancellationToken cancellationToken)
    {
        if (!await db.Imports.AnyAsync(i => i.Id == id, cancellationToken))
            return Problems.NotFound("Import", id.ToString());
        var take = Math.Clamp(limit ?? 100, 1, 1000);
        var from = after ?? 0;
        var rows = await db.ImportRejections.AsNoTracking()
            .Where(r => r.ImportId == id && r.RowNumber > from)
            .OrderBy(r => r.RowNumber)
            .Take(take + 1)
            .Select(r => new ImportRejectionDto(r.RowNumber, r.ExternalRef, r.Reason))
            .ToListAsync(cancellationToken);
        var next = rows.Count > take ? rows[take - 1].Row : (int?)null;
        return TypedResults.Ok(new ImportRejectionPageDto(rows.Take(take).ToList(), next));
    }

    public static OrderImportDto ToDto(this OrderImport i) => new(i.Id, i.FileName, i.Status.ToString(), i.TotalRows, i.ProcessedRows, i.AcceptedOrders,
        i.AcceptedRows, i.RejectedRows, i.SkippedRows, i.Error, i.CreatedBy, i.CreatedAt, i.StartedAt, i.FinishedAt);

    private sealed record UploadedFile(byte[]? Content, string FileName, ValidationProblem? Problem = null);

    /// <summary>
    /// The uploaded bytes, held in memory (never in a temporary file: the file is personal data), or null content when
    /// it is larger than <paramref name="max"/>.
    /// </summary>
    private static async Task<UploadedFile> ReadUploadAsync(HttpRequest request, long max, CancellationToken cancellationToken)
    {
        var fileName = request.Query["fileName"].ToString() is { Length: > 0 } named ? named : "upload.csv";
        if (MediaTypeHeaderValue.TryParse(request.ContentType, out var type) && type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            var boundary = HeaderUtilities.RemoveQuotes(type.Boundary).Value;
            if (string.IsNullOrEmpty(boundary))
                return new UploadedFile([], fileName, Problems.Validation("file", "The multipart body has no boundary."));
            var reader = new MultipartReader(boundary, request.Body);
            while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    || !disposition.Name.Equals("file", StringComparison.OrdinalIgnoreCase))
                    continue;
                var partName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value;
                return new UploadedFile(await ReadLimitedAsync(section.Body, max, cancellationToken), SafeName(partName) ?? fileName);
            }
            return new UploadedFile([], fileName, Problems.Validation("file", "The form has no 'file' part with the CSV."));
        }
        return new UploadedFile(await ReadLimitedAsync(request.Body, max, cancellationToken), SafeName(fileName) ?? "upload.csv");
    }

    private static async Task<byte[]?> ReadLimitedAsync(Stream body, long max, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > max)
                return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static string? SafeName(string? name) =>
        string.IsNullOrWhiteSpace(name) ? null : Path.GetFileName(name.Trim()) is { Length: > 0 } file ? file[..Math.Min(file.Length, 200)] : null;

    private static ProblemHttpResult TooLarge(long max) => TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "The file is too large", detail: $"An import file may be at most {max / (1024 * 1024)} MB; split it into several files.");
}
