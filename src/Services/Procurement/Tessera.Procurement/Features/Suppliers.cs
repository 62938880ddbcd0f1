using System.Security.Claims;
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
using Tessera.ServiceDefaults.Tenancy;
using Tessera.ServiceDefaults.Validation;

namespace Tessera.Procurement.Features;

/// <summary>Suppliers: created, changed with If-Match, listed with search and paging, found by exact contact phone or e-mail.</summary>
public static class Suppliers
{
    public const string DefaultCurrency = "VND";

    /// <summary>A supplier as sent: everything replaces what is there (PUT), the contact person included.</summary>
    public sealed record Request(string Code, string Name, string? TaxId, SupplierContactDto? Contact, int? PaymentTermsDays, string? Currency, bool? IsActive);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Code).NotEmpty().Matches("^[A-Za-z0-9][A-Za-z0-9_.-]{0,29}$")
                .WithMessage("code must be 1 to 30 letters, digits, '.', '_' or '-'.");
            RuleFor(r => r.Name).NotEmpty().MaximumLength(200);
            RuleFor(r => r.TaxId).MaximumLength(50);
            RuleFor(r => r.PaymentTermsDays).InclusiveBetween(0, 365).When(r => r.PaymentTermsDays is not null)
                .WithMessage("paymentTermsDays is the number of days to pay, 0 (on delivery) to 365.");
            RuleFor(r => r.Currency).Matches("^[A-Z]{3}$").When(r => r.Currency is not null)
                .WithMessage("currency must be a three-letter ISO 4217 code such as VND or USD.");
            RuleFor(r => r.Contact!).SetValidator(new ContactValidator()).When(r => r.Contact is not null);
        }
    }

    public sealed class ContactValidator : AbstractValidator<SupplierContactDto>
    {
        public ContactValidator()
        {
            RuleFor(c => c.Name).MaximumLength(200);
            RuleFor(c => c.Phone).MaximumLength(30).Must(p => string.IsNullOrWhiteSpace(p) || p.Count(char.IsAsciiDigit) >= 6)
                .WithMessage("phone needs at least 6 digits.");
            RuleFor(c => c.Email).MaximumLength(200).EmailAddress().When(c => !string.IsNullOrWhiteSpace(c.Email));
            RuleFor(c => c.Address!).ChildRules(address =>
            {
                address.RuleFor(a => a.Line1).NotEmpty().MaximumLength(200);
                address.RuleFor(a => a.Line2).MaximumLength(200);
                address.RuleFor(a => a.Ward).MaximumLength(100);
                address.RuleFor(a => a.District).MaximumLength(100);
                address.RuleFor(a => a.City).MaximumLength(100);
                address.RuleFor(a => a.Province).MaximumLength(100);
                address.RuleFor(a => a.PostalCode).MaximumLength(20);
                address.RuleFor(a => a.Country).NotEmpty().Matches("^[A-Z]{2}$").WithMessage("country is a two-letter ISO 3166 code such as VN.");
            }).When(c => c.Address is not null);
        }
    }

    public static void Map(RouteGroupBuilder suppliers)
    {
        suppliers.MapPost("/", Create)
            .Validate<Request>()
            .RequireRoles(Roles.Purchasing)
            .WithName("CreateSupplier")
            .WithSummary("Create a supplier. Accepts an Idempotency-Key.")
            .Produces<SupplierDto>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status409Conflict);
        suppliers.MapPut("/{id:guid}", Update)
            .Validate<Request>()
            .RequireRoles(Roles.Purchasing)
            .WithName("UpdateSupplier")
            .WithSummary("Replace a supplier's details; send If-Match with the ETag you read.");
        suppliers.MapGet("/{id:guid}", Get).WithName("GetSupplier");
        suppliers.MapGet("/", List).WithName("ListSuppliers")
            .WithSummary("Suppliers by code, filtered by search (code or name), active, and the contact's exact phone or e-mail.");
    }

    private static Task<IResult> Create(
        Request request,
        [FromHeader(Name = IdempotentRequests.HeaderName)] string? idempotencyKey,
        ProcurementDbContext db,
        ITenantContext tenant,
        SupplierPrivacy privacy,
        IdempotentRequests idempotency,
        TimeProvider clock,
        CancellationToken cancellationToken) =>
        idempotency.ExecuteAsync(db, "procurement.create-supplier", idempotencyKey, request, async ct =>
        {
            var code = Supplier.NormalizeCode(request.Code);
            if (await db.Suppliers.AnyAsync(s => s.Code == code, ct))
                return IdempotentOutcome.Refused(CodeTaken(code));
            var now = clock.GetUtcNow();
            var supplier = new Supplier { Id = Guid.CreateVersion7(), TenantId = tenant.TenantId!, Version = 1, CreatedAt = now };
            Apply(supplier, request, privacy, supplier.TenantId, now);
            db.Suppliers.Add(supplier);
            return IdempotentOutcome.Created($"/api/procurement/suppliers/{supplier.Id}", ToDto(supplier, privacy));
        }, cancellationToken);

    private static async Task<IResult> Update(
        Guid id, Request request, HttpContext http, ProcurementDbContext db, SupplierPrivacy privacy, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(http.Request.Headers.IfMatch))
            return IfMatchRequired("supplier");
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        var supplier = await db.Suppliers.FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (supplier is null)
            return Problems.NotFound("Supplier", id.ToString());
        if (!ETags.Matches(http.Request, supplier.Version))
            return Problems.PreconditionFailed($"Supplier {supplier.Code} is at version {supplier.Version}, not the one in If-Match. Reload it and apply your change again.");

        var code = Supplier.NormalizeCode(request.Code);
        if (code != supplier.Code && await db.Suppliers.AnyAsync(s => s.Code == code, cancellationToken))
            return CodeTaken(code);
        var currency = request.Currency ?? supplier.Currency;
        if (currency != supplier.Currency)
        {
            var prices = await db.SupplierPrices.CountAsync(p => p.SupplierId == id && p.Currency != currency, cancellationToken);
            if (prices > 0)
                return Problems.Conflict("The supplier has prices in another currency",
                    $"Supplier {supplier.Code} has {prices} price(s) in {supplier.Currency}; a supplier's prices are in its currency. Change or delete them first.",
                    new Dictionary<string, object?> { ["field"] = "currency" });
        }

        Apply(supplier, request with { Currency = currency }, privacy, supplier.TenantId, clock.GetUtcNow());
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        ETags.Set(http.Response, supplier.Version);
        return TypedResults.Ok(ToDto(supplier, privacy));
    }

    private static async Task<Results<Ok<SupplierDto>, ProblemHttpResult>> Get(
        Guid id, HttpResponse response, ProcurementDbContext db, SupplierPrivacy privacy, CancellationToken cancellationToken)
    {
        var supplier = await db.Suppliers.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (supplier is null)
            return Problems.NotFound("Supplier", id.ToString());
        ETags.Set(response, supplier.Version);
        return TypedResults.Ok(ToDto(supplier, privacy));
    }

    private static async Task<Results<Ok<PagedResult<SupplierDto>>, ValidationProblem>> List(
        string? search, bool? active, string? phone, string? email, int? page, int? pageSize,
        ProcurementDbContext db, ITenantContext tenant, SupplierPrivacy privacy, CancellationToken cancellationToken)
    {
        if (!PageRequest.TryCreate(page, pageSize, out var paging, out var problem))
            return problem!;
        var query = db.Suppliers.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(search))
        {
            var term = search.Trim();
            var code = Supplier.NormalizeCode(term);
            var pattern = Like.Contains(term);
            // SQLite's LIKE ignores the case of ASCII letters; PostgreSQL's ILIKE ignores it for every letter.
            query = db.IsPostgres
                ? query.Where(s => s.Code.StartsWith(code) || EF.Functions.ILike(s.Name, pattern, Like.Escape))
                : query.Where(s => s.Code.StartsWith(code) || EF.Functions.Like(s.Name, pattern, Like.Escape));
        }
        if (active is not null)
            query = query.Where(s => s.IsActive == active.Value);
        if (!string.IsNullOrWhiteSpace(phone))
        {
            if (PersonalDataProtector.NormalizePhone(phone).Length < 6)
                return Problems.Validation("phone", "phone needs at least 6 digits.");
            var index = privacy.PhoneIndex(phone, tenant.TenantId!);
            query = query.Where(s => s.Contact.PhoneIndex == index);
        }
        if (!string.IsNullOrWhiteSpace(email))
        {
            var index = privacy.EmailIndex(email, tenant.TenantId!);
            query = query.Where(s => s.Contact.EmailIndex == index);
        }

        var total = await query.CountAsync(cancellationToken);
        var rows = await query.OrderBy(s => s.Code).Skip(paging.Skip).Take(paging.PageSize).ToListAsync(cancellationToken);
        return TypedResults.Ok(new PagedResult<SupplierDto>(rows.Select(s => ToDto(s, privacy)).ToList(), paging.Page, paging.PageSize, total));
    }

    private static void Apply(Supplier supplier, Request request, SupplierPrivacy privacy, string tenant, DateTimeOffset now)
    {
        supplier.Code = Supplier.NormalizeCode(request.Code);
        supplier.Name = request.Name.Trim();
        supplier.TaxId = string.IsNullOrWhiteSpace(request.TaxId) ? null : request.TaxId.Trim();
        supplier.Contact = privacy.Protect(request.Contact, tenant);
        supplier.PaymentTermsDays = request.PaymentTermsDays ?? 0;
        supplier.Currency = request.Currency ?? DefaultCurrency;
        supplier.IsActive = request.IsActive ?? true;
        supplier.UpdatedAt = now;
    }

    private static ProblemHttpResult CodeTaken(string code) =>
        Problems.Conflict("Supplier code already exists", $"A supplier with code '{code}' already exists.", new Dictionary<string, object?> { ["code"] = code });

    public static ProblemHttpResult IfMatchRequired(string what) =>
        TypedResults.Problem(statusCode: StatusCodes.Status428PreconditionRequired, title: "If-Match is required",
            detail: $"Read the {what} first and send its ETag in If-Match, so that a change made meanwhile by someone else is not overwritten.");

    public static SupplierDto ToDto(Supplier s, SupplierPrivacy privacy) => new(
        s.Id, s.Code, s.Name, s.TaxId, privacy.Reveal(s.Contact, s.TenantId), s.PaymentTermsDays, s.Currency, s.IsActive, s.Version, s.CreatedAt, s.UpdatedAt);
}

/// <summary>LIKE patterns for user text: its % and _ match themselves.</summary>
public static class Like
{
    public const string Escape = "\\";

    public static string Contains(string term) => "%" + term.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";
}
