using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Tessera.Procurement.Contracts;
using Tessera.Procurement.Data;
using Tessera.Procurement.Domain;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Errors;
using Tessera.ServiceDefaults.Idempotency;
using Tessera.ServiceDefaults.Security;
using Tessera.ServiceDefaults.Validation;

namespace Tessera.Procurement.Features;

/// <summary>
/// What suppliers charge per SKU: quantity breaks with validity periods and lead times, one preferred supplier price per
/// SKU. New prices are checked against the catalog with one batch call.
/// </summary>
public static class SupplierPrices
{
    public const int MaxPerRequest = 500;

    public sealed record PriceInput(
        string Sku, decimal? UnitPrice, string? Currency = null, decimal? MinQuantity = null, int? LeadTimeDays = null, DateOnly? ValidFrom = null,
        DateOnly? ValidTo = null, bool? Preferred = null);

    public sealed record CreateRequest(IReadOnlyList<PriceInput> Prices);

    /// <summary>A price's terms; its supplier and SKU stay (delete it and add another to change them).</summary>
    public sealed record UpdateRequest(decimal? UnitPrice, string? Currency, decimal? MinQuantity, int? LeadTimeDays, DateOnly? ValidFrom, DateOnly? ValidTo, bool? Preferred);

    public sealed class PriceValidator : AbstractValidator<PriceInput>
    {
        public PriceValidator()
        {
            RuleFor(p => p.Sku).NotEmpty().MaximumLength(64);
            RuleFor(p => p.UnitPrice).NotNull().GreaterThanOrEqualTo(0).PrecisionScale(18, 4, ignoreTrailingZeros: true);
            RuleFor(p => p.Currency).Matches("^[A-Z]{3}$").When(p => p.Currency is not null).WithMessage("currency must be a three-letter ISO 4217 code.");
            RuleFor(p => p.MinQuantity).GreaterThanOrEqualTo(0).PrecisionScale(18, 4, ignoreTrailingZeros: true);
            RuleFor(p => p.LeadTimeDays).InclusiveBetween(0, 365);
            RuleFor(p => p.ValidTo).Must((p, to) => to is null || p.ValidFrom is null || p.ValidFrom <= to)
                .WithMessage("validTo cannot be before validFrom.");
        }
    }

    public sealed class CreateValidator : AbstractValidator<CreateRequest>
    {
        public CreateValidator()
        {
            RuleFor(r => r.Prices).NotEmpty().WithMessage("Send at least one price.")
                .Must(p => p is null || p.Count <= MaxPerRequest).WithMessage($"Send at most {MaxPerRequest} prices at once.");
            RuleForEach(r => r.Prices).SetValidator(new PriceValidator());
        }
    }

    public sealed class UpdateValidator : AbstractValidator<UpdateRequest>
    {
        public UpdateValidator()
        {
            RuleFor(p => p.UnitPrice).NotNull().GreaterThanOrEqualTo(0).PrecisionScale(18, 4, ignoreTrailingZeros: true);
            RuleFor(p => p.Currency).Matches("^[A-Z]{3}$").When(p => p.Currency is not null).WithMessage("currency must be a three-letter ISO 4217 code.");
            RuleFor(p => p.MinQuantity).GreaterThanOrEqualTo(0).PrecisionScale(18, 4, ignoreTrailingZeros: true);
            RuleFor(p => p.LeadTimeDays).InclusiveBetween(0, 365);
            RuleFor(p => p.ValidTo).Must((p, to) => to is null || p.ValidFrom is null || p.ValidFrom <= to)
                .WithMessage("validTo cannot be before validFrom.");
        }
    }

    public static void Map(RouteGroupBuilder api)
    {
        api.MapPost("/suppliers/{supplierId:guid}/prices", Create)
            .Validate<CreateRequest>()
            .RequireRoles(Roles.Purchasing)
            .WithTags("Supplier prices")
            .WithName("AddSupplierPrices")
            .WithSummary("Add prices of a supplier (up to 500 at once; SKUs checked against the catalog). Accepts an Idempotency-Key.")
            .Produces<List<SupplierPriceDto>>(StatusCodes.Status201Created);
        var prices = api.MapGroup("/supplier-prices").WithTags("Supplier prices");
        prices.MapGet("/", List).WithName("ListSupplierPrices")
            .WithSummary("Supplier prices by SKU, filtered by supplier, SKU and the day they are valid on (validOn, yyyy-MM-dd).");
        prices.MapGet("/{id:guid}", Get).WithName("GetSupplierPrice");
        prices.MapPut("/{id:guid}", Update).Validate<UpdateRequest>().RequireRoles(Roles.Purchasing).WithName("UpdateSupplierPrice")
            .WithSummary("Change a price's terms; send If-Match with the ETag you read.");
        prices.MapDelete("/{id:guid}", Delete).RequireRoles(Roles.Purchasing).WithName("DeleteSupplierPrice");
    }

    private static async Task<IResult> Create(
        Guid supplierId,
        CreateRequest request,
        [FromHeader(Name = IdempotentRequests.HeaderName)] string? idempotencyKey,
        ProcurementDbContext db,
        CatalogSkus catalog,
        IdempotentRequests idempotency,
        TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var supplier = await db.Suppliers.AsNoTracking().FirstOrDefaultAsync(s => s.Id == supplierId, cancellationToken);
        if (supplier is null)
            return Problems.NotFound("Supplier", supplierId.ToString());

        var errors = new Dictionary<string, string[]>();
        var inputs = request.Prices.Select(p => p with { Sku = p.Sku.Trim(), Currency = p.Currency ?? supplier.Currency }).ToList();
        for (var i = 0; i < inputs.Count; i++)
        {
            if (inputs[i].Currency != supplier.Currency)
                errors[$"prices[{i}].currency"] = [$"Supplier {supplier.Code} is paid in {supplier.Currency}; its prices are in that currency."];
            for (var j = 0; j < i; j++)
                if (Overlap(inputs[j], inputs[i]))
                    errors[$"prices[{i}].validFrom"] = [$"prices[{j}] is for the same SKU and quantity break over an overlapping period."];
            if (inputs[i].Preferred == true && inputs.Take(i).Any(p => p.Preferred == true && p.Sku == inputs[i].Sku))
                errors[$"prices[{i}].preferred"] = [$"Only one price of {inputs[i].Sku} can be preferred."];
        }
        // Asked before the write transaction opens, so that a slow catalog never holds the write gate.
        var known = await catalog.ExistingAsync(inputs.Select(p => p.Sku), cancellationToken);
        for (var i = 0; i < inputs.Count; i++)
            if (!known.Contains(inputs[i].Sku))
                errors[$"prices[{i}].sku"] = [$"Unknown SKU '{inputs[i].Sku}'. Add it to the catalog first."];
        if (errors.Count > 0)
            return Problems.Validation(errors);

        return await idempotency.ExecuteAsync(db, "procurement.add-prices", idempotencyKey, new { supplierId, request }, async ct =>
        {
            var skus = inputs.Select(p => p.Sku).Distinct().ToList();
            var existing = await db.SupplierPrices.Where(p => skus.Contains(p.Sku)).ToListAsync(ct);
            var clashes = new Dictionary<string, string[]>();
            for (var i = 0; i < inputs.Count; i++)
            {
                var p = inputs[i];
                if (existing.FirstOrDefault(e => e.Overlaps(supplierId, p.Sku, p.MinQuantity ?? 0, p.ValidFrom, p.ValidTo)) is { } clash)
                    clashes[$"prices[{i}].validFrom"] = [OverlapMessage(supplier.Code, clash)];
            }
            if (clashes.Count > 0)
                return IdempotentOutcome.Refused(Problems.Validation(clashes));

            var now = clock.GetUtcNow();
            var created = new List<SupplierPrice>();
            foreach (var p in inputs)
            {
                if (p.Preferred == true)
                    foreach (var other in existing.Where(e => e.Sku == p.Sku && e.Preferred))
                        (other.Preferred, other.UpdatedAt) = (false, now);
                var price = new SupplierPrice
                {
                    Id = Guid.CreateVersion7(), SupplierId = supplierId, Sku = p.Sku, UnitPrice = p.UnitPrice!.Value, Currency = p.Currency!,
                    MinQuantity = p.MinQuantity ?? 0, LeadTimeDays = p.LeadTimeDays ?? 0, ValidFrom = p.ValidFrom, ValidTo = p.ValidTo,
                    Preferred = p.Preferred ?? false, Version = 1, CreatedAt = now, UpdatedAt = now,
                };
                db.SupplierPrices.Add(price);
                created.Add(price);
            }
            return IdempotentOutcome.Created($"/api/procurement/supplier-prices?supplierId={supplierId}", created.Select(p => ToDto(p, supplier)).ToList());
        }, cancellationToken);
    }

    private static async Task<IResult> Update(
        Guid id, UpdateRequest request, HttpContext http, ProcurementDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(http.Request.Headers.IfMatch))
            return Suppliers.IfMatchRequired("supplier price");
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        var price = await db.SupplierPrices.FirstOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (price is null)
            return Problems.NotFound("Supplier price", id.ToString());
        if (!ETags.Matches(http.Request, price.Version))
            return Problems.PreconditionFailed($"The price is at version {price.Version}, not the one in If-Match. Reload it and apply your change again.");
        var supplier = await db.Suppliers.AsNoTracking().FirstAsync(s => s.Id == price.SupplierId, cancellationToken);
        var currency = request.Currency ?? price.Currency;
        if (currency != supplier.Currency)
            return Problems.Validation("currency", $"Supplier {supplier.Code} is paid in {supplier.Currency}; its prices are in that currency.");
        var minQuantity = request.MinQuantity ?? 0;
        var others = await db.SupplierPrices.Where(p => p.Sku == price.Sku && p.Id != id).ToListAsync(cancellationToken);
        if (others.FirstOrDefault(o => o.Overlaps(price.SupplierId, price.Sku, minQuantity, request.ValidFrom, request.ValidTo)) is { } clash)
            return Problems.Validation("validFrom", OverlapMessage(supplier.Code, clash));

        var now = clock.GetUtcNow();
        if (request.Preferred == true)
            foreach (var other in others.Where(o => o.Preferred))
                (other.Preferred, other.UpdatedAt) = (false, now);
        (price.UnitPrice, price.Currency, price.MinQuantity, price.LeadTimeDays) = (request.UnitPrice!.Value, currency, minQuantity, request.LeadTimeDays ?? 0);
        (price.ValidFrom, price.ValidTo, price.Preferred, price.UpdatedAt) = (request.ValidFrom, request.ValidTo, request.Preferred ?? false, now);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        ETags.Set(http.Response, price.Version);
        return TypedResults.Ok(ToDto(price, supplier));
    }

    private static async Task<IResult> Delete(Guid id, HttpContext http, ProcurementDbContext db, CancellationToken cancellationToken)
    {
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        var price = await db.SupplierPrices.FirstOrDefaultAsync(p => p.Id == id, cancellationToken);
        if (price is null)
            return Problems.NotFound("Supplier price", id.ToString());
        if (!ETags.Matches(http.Request, price.Version))
            return Problems.PreconditionFailed($"The price is at version {price.Version}, not the one in If-Match. Reload it first.");
        db.SupplierPrices.Remove(price);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<SupplierPriceDto>, ProblemHttpResult>> Get(Guid id, HttpResponse response, ProcurementDbContext db, CancellationToken cancellationToken)
    {
        var row = await db.SupplierPrices.AsNoTracking().Where(p => p.Id == id)
            .Join(db.Suppliers, p => p.SupplierId, s => s.Id, (p, s) => new { p, s }).FirstOrDefaultAsync(cancellationToken);
        if (row is null)
            return Problems.NotFound("Supplier price", id.ToString());
        ETags.Set(response, row.p.Version);
        return TypedResults.Ok(ToDto(row.p, row.s));
    }

    private static async Task<Results<Ok<PagedResult<SupplierPriceDto>>, ValidationProblem>> List(
        Guid? supplierId, string? sku, DateOnly? validOn, int? page, int? pageSize, ProcurementDbContext db, CancellationToken cancellationToken)
    {
        if (!PageRequest.TryCreate(page, pageSize, out var paging, out var problem))
            return problem!;
        var query = db.SupplierPrices.AsNoTracking();
        if (supplierId is not null)
            query = query.Where(p => p.SupplierId == supplierId);
        if (!string.IsNullOrWhiteSpace(sku))
        {
            var term = sku.Trim();
            query = query.Where(p => p.Sku.StartsWith(term));
        }
        if (validOn is { } day)
            query = query.Where(p => (p.ValidFrom == null || p.ValidFrom <= day) && (p.ValidTo == null || p.ValidTo >= day));

        var joined = query.Join(db.Suppliers, p => p.SupplierId, s => s.Id, (p, s) => new { p, s });
        var total = await joined.CountAsync(cancellationToken);
        var rows = await joined.OrderBy(x => x.p.Sku).ThenBy(x => x.s.Code).ThenBy(x => x.p.ValidFrom).ThenBy(x => x.p.MinQuantity).ThenBy(x => x.p.Id)
            .Skip(paging.Skip).Take(paging.PageSize).ToListAsync(cancellationToken);
        var items = rows.Select(x => ToDto(x.p, x.s)).ToList();
        return TypedResults.Ok(new PagedResult<SupplierPriceDto>(items, paging.Page, paging.PageSize, total));
    }

    private static bool Overlap(PriceInput a, PriceInput b) =>
        a.Sku == b.Sku && (a.MinQuantity ?? 0) == (b.MinQuantity ?? 0)
        && (a.ValidTo is null || b.ValidFrom is null || b.ValidFrom <= a.ValidTo)
        && (b.ValidTo is null || a.ValidFrom is null || a.ValidFrom <= b.ValidTo);

    private static string OverlapMessage(string supplierCode, SupplierPrice clash) => FormattableString.Invariant(
        $"Supplier {supplierCode} already has a price of {clash.Sku} from quantity {clash.MinQuantity:0.####} valid {clash.ValidFrom?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "from the start"} to {clash.ValidTo?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "open end"}; change that one or pick dates that do not overlap.");

    public static SupplierPriceDto ToDto(SupplierPrice p, Supplier s) => new(
        p.Id, p.SupplierId, s.Code, s.Name, p.Sku, p.UnitPrice, p.Currency, p.MinQuantity, p.LeadTimeDays, p.ValidFrom, p.ValidTo, p.Preferred, p.Version, p.UpdatedAt);
}
