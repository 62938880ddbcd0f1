using System.Security.Cryptography;
using System.Text.Json;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Tessera.Logistics.Contracts;
using Tessera.Logistics.Data;
using Tessera.Logistics.Domain;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Errors;
using Tessera.ServiceDefaults.Idempotency;
using Tessera.ServiceDefaults.Json;
using Tessera.ServiceDefaults.Security;
using Tessera.ServiceDefaults.Tenancy;
using Tessera.ServiceDefaults.Validation;

namespace Tessera.Logistics.Features;

/// <summary>
/// The carriers a tenant ships with. Creating one answers its webhook secret, once; an administrator can rotate it
/// (the old secret stops working at once). Setting a carrier as the default takes the flag from the previous one.
/// </summary>
public static class Carriers
{
    public interface ICarrierFields
    {
        string Name { get; }
        string TrackingUrlTemplate { get; }
        IReadOnlyList<string>? ServiceLevels { get; }
    }

    public sealed record CreateRequest(string Code, string Name, string TrackingUrlTemplate, IReadOnlyList<string>? ServiceLevels, bool IsDefault = false)
        : ICarrierFields;

    public sealed record UpdateRequest(string Name, string TrackingUrlTemplate, IReadOnlyList<string>? ServiceLevels, bool IsDefault = false)
        : ICarrierFields;

    public sealed class CreateValidator : AbstractValidator<CreateRequest>
    {
        public CreateValidator()
        {
            RuleFor(r => r.Code).NotEmpty().Matches("^[A-Za-z0-9][A-Za-z0-9_-]{0,19}$")
                .WithMessage("code must be 1 to 20 letters, digits, '_' or '-', starting with a letter or digit.");
            Include(new CommonRules());
        }
    }

    public sealed class UpdateValidator : AbstractValidator<UpdateRequest>
    {
        public UpdateValidator() => Include(new CommonRules());
    }

    public sealed class CommonRules : AbstractValidator<ICarrierFields>
    {
        public CommonRules()
        {
            RuleFor(r => r.Name).NotEmpty().MaximumLength(200);
            RuleFor(r => r.TrackingUrlTemplate).NotEmpty().MaximumLength(500)
                .Must(t => t is null || t.Contains(Carrier.WaybillPlaceholder, StringComparison.Ordinal))
                .WithMessage("trackingUrlTemplate must contain {waybill}, where the waybill number goes (e.g. https://track.example/{waybill}).")
                .Must(IsHttpUrl).WithMessage("trackingUrlTemplate must be an absolute http or https address.");
            RuleFor(r => r.ServiceLevels).NotEmpty().WithMessage("serviceLevels must name at least one service level (e.g. \"standard\").")
                .Must(l => l is null || l.Count <= 20).WithMessage("A carrier has at most 20 service levels.")
                .Must(l => l is null || l.Select(s => Carrier.NormalizeLevel(s ?? "")).Distinct().Count() == l.Count)
                .WithMessage("serviceLevels must not repeat a level.");
            RuleForEach(r => r.ServiceLevels).NotEmpty().Matches("^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")
                .WithMessage("A service level is 1 to 32 letters, digits, '_' or '-' (e.g. \"standard\", \"express\").");
        }

        private static bool IsHttpUrl(string? template) =>
            template is null
            || (Uri.TryCreate(template.Replace(Carrier.WaybillPlaceholder, "W1", StringComparison.Ordinal), UriKind.Absolute, out var uri)
                && uri.Scheme is "http" or "https");
    }

    public static void Map(RouteGroupBuilder carriers)
    {
        carriers.MapPost("/", Create)
            .Validate<CreateRequest>()
            .RequireRoles(Roles.Warehouse)
            .WithName("CreateCarrier")
            .WithSummary("Add a carrier; the answer holds its webhook secret, shown this once. Accepts an Idempotency-Key.")
            .Produces<CarrierSecretDto>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status409Conflict);
        carriers.MapGet("/", List).WithName("ListCarriers");
        carriers.MapGet("/{code}", Get).WithName("GetCarrier");
        carriers.MapPut("/{code}", Update)
            .Validate<UpdateRequest>()
            .RequireRoles(Roles.Warehouse)
            .WithName("UpdateCarrier")
            .WithSummary("Change a carrier's name, tracking page, service levels or default flag (If-Match optional).");
        carriers.MapPost("/{code}/rotate-secret", RotateSecret)
            .RequireRoles(Roles.Admin)
            .WithName("RotateCarrierSecret")
            .WithSummary("Replace the carrier's webhook secret: the answer holds the new one, the old one stops working at once.");
    }

    private const string CreateScope = "logistics.create-carrier";

    /// <summary>
    /// Idempotent like every create, but by hand: the platform's replay stores the whole answer, and this answer holds the
    /// secret, which must never sit in plain text in the database. The stored answer leaves it out; a replay decrypts it
    /// from the carrier — unless it was rotated since, when the first answer's secret no longer works anyway.
    /// </summary>
    private static async Task<IResult> Create(
        CreateRequest request,
        [FromHeader(Name = IdempotentRequests.HeaderName)] string? idempotencyKey,
        HttpResponse response,
        LogisticsDbContext db,
        ITenantContext tenant,
        WebhookSecrets secrets,
        TimeProvider clock,
        CancellationToken cancellationToken)
    {
        if (idempotencyKey is { Length: 0 or > 200 })
            return Problems.Validation(IdempotentRequests.HeaderName, $"{IdempotentRequests.HeaderName} must be 1 to 200 characters.");
        var code = Carrier.NormalizeCode(request.Code);
        var hash = Convert.ToHexStringLower(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(request, TesseraJson.Options)));
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        await LockCarriersAsync(db, cancellationToken);
        if (idempotencyKey is not null
            && await db.IdempotencyRecords.AsNoTracking().FirstOrDefaultAsync(r => r.Scope == CreateScope && r.Key == idempotencyKey, cancellationToken) is { } earlier)
        {
            if (earlier.RequestHash != hash)
                return Problems.Unprocessable("Idempotency-Key reused with a different request",
                    $"The {IdempotentRequests.HeaderName} '{idempotencyKey}' was already used for a different request body. Use a new key for a new request.");
            var created = await db.Carriers.AsNoTracking().FirstAsync(c => c.Code == code, cancellationToken);
            if (created.SecretRotatedAt is not null)
                return Problems.Conflict("The secret was rotated since",
                    $"Carrier {code} was created with this key, but its webhook secret was rotated since: the first one no longer works. " +
                    "An administrator can rotate it again to get a new one.");
            response.Headers["Idempotent-Replayed"] = "true";
            return TypedResults.Created(earlier.Location, new CarrierSecretDto(ToDto(created), secrets.Unprotect(created.WebhookSecret, tenant.TenantId!)));
        }

        if (await db.Carriers.AnyAsync(c => c.Code == code, cancellationToken))
            return Problems.Conflict("Carrier code already exists",
                $"A carrier with code '{code}' already exists. Change it with PUT /api/logistics/carriers/{code}.",
                new Dictionary<string, object?> { ["code"] = code });
        if (request.IsDefault)
            await ClearDefaultAsync(db, cancellationToken);

        var now = clock.GetUtcNow();
        var secret = WebhookSecrets.Generate();
        var carrier = new Carrier
        {
            Id = Guid.CreateVersion7(),
            Code = code,
            Name = request.Name.Trim(),
            TrackingUrlTemplate = request.TrackingUrlTemplate.Trim(),
            ServiceLevels = Carrier.LevelsJson(request.ServiceLevels!),
            IsDefault = request.IsDefault,
            WebhookSecret = secrets.Protect(secret, tenant.TenantId!),
            Version = 1,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Carriers.Add(carrier);
        var location = $"/api/logistics/carriers/{code}";
        if (idempotencyKey is not null)
            db.IdempotencyRecords.Add(new IdempotencyRecord
            {
                Scope = CreateScope,
                Key = idempotencyKey,
                RequestHash = hash,
                StatusCode = StatusCodes.Status201Created,
                ResponseBody = JsonSerializer.Serialize(ToDto(carrier), TesseraJson.Options),
                Location = location,
                CreatedAt = now,
            });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Created(location, new CarrierSecretDto(ToDto(carrier), secret));
    }

    private static async Task<Ok<List<CarrierDto>>> List(LogisticsDbContext db, CancellationToken cancellationToken)
    {
        var rows = await db.Carriers.AsNoTracking().OrderBy(c => c.Code).ToListAsync(cancellationToken);
        return TypedResults.Ok(rows.Select(ToDto).ToList());
    }

    private static async Task<Results<Ok<CarrierDto>, ProblemHttpResult>> Get(string code, HttpResponse response, LogisticsDbContext db, CancellationToken cancellationToken)
    {
        var normalized = Carrier.NormalizeCode(code);
        var carrier = await db.Carriers.AsNoTracking().FirstOrDefaultAsync(c => c.Code == normalized, cancellationToken);
        if (carrier is null)
            return Problems.NotFound("Carrier", normalized);
        ETags.Set(response, carrier.Version);
        return TypedResults.Ok(ToDto(carrier));
    }

    private static async Task<Results<Ok<CarrierDto>, ProblemHttpResult>> Update(
        string code, UpdateRequest request, HttpContext http, LogisticsDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        var normalized = Carrier.NormalizeCode(code);
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        await LockCarriersAsync(db, cancellationToken);
        var carrier = await db.Carriers.FirstOrDefaultAsync(c => c.Code == normalized, cancellationToken);
        if (carrier is null)
            return Problems.NotFound("Carrier", normalized);
        if (!ETags.Matches(http.Request, carrier.Version))
            return Problems.PreconditionFailed($"Carrier {normalized} is at version {carrier.Version}, not the one in If-Match. Reload it first.");

        if (request.IsDefault && !carrier.IsDefault)
            await ClearDefaultAsync(db, cancellationToken);
        carrier.Name = request.Name.Trim();
        carrier.TrackingUrlTemplate = request.TrackingUrlTemplate.Trim();
        carrier.ServiceLevels = Carrier.LevelsJson(request.ServiceLevels!);
        carrier.IsDefault = request.IsDefault;
        carrier.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        ETags.Set(http.Response, carrier.Version);
        return TypedResults.Ok(ToDto(carrier));
    }

    private static async Task<Results<Ok<CarrierSecretDto>, ProblemHttpResult>> RotateSecret(
        string code, HttpResponse response, LogisticsDbContext db, ITenantContext tenant, WebhookSecrets secrets, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var normalized = Carrier.NormalizeCode(code);
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        var carrier = await db.Carriers.FirstOrDefaultAsync(c => c.Code == normalized, cancellationToken);
        if (carrier is null)
            return Problems.NotFound("Carrier", normalized);
        var secret = WebhookSecrets.Generate();
        var now = clock.GetUtcNow();
        carrier.WebhookSecret = secrets.Protect(secret, tenant.TenantId!);
        carrier.SecretRotatedAt = now;
        carrier.UpdatedAt = now;
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        ETags.Set(response, carrier.Version);
        return TypedResults.Ok(new CarrierSecretDto(ToDto(carrier), secret));
    }

    /// <summary>
    /// Creating and changing carriers check a code, an idempotency key and the one default before writing: on PostgreSQL
    /// they take their turn per tenant, as SQLite's single writer makes them (docs/adr/0024).
    /// </summary>
    private static Task LockCarriersAsync(LogisticsDbContext db, CancellationToken cancellationToken) =>
        db.LockAsync($"carriers:{db.CurrentTenantId}", cancellationToken);

    /// <summary>The previous default gives up its flag in its own statement first: the database allows one default per tenant.</summary>
    private static Task<int> ClearDefaultAsync(LogisticsDbContext db, CancellationToken cancellationToken) =>
        db.Carriers.Where(c => c.IsDefault)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.IsDefault, false).SetProperty(c => c.Version, c => c.Version + 1), cancellationToken);

    public static CarrierDto ToDto(Carrier c) => new(c.Code, c.Name, c.TrackingUrlTemplate, c.Levels, c.IsDefault, c.Version, c.CreatedAt, c.SecretRotatedAt);
}
