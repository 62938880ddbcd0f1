using System.Security.Claims;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tessera.Procurement.Contracts;
using Tessera.Procurement.Data;
using Tessera.Procurement.Domain;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Errors;
using Tessera.ServiceDefaults.Security;
using Tessera.ServiceDefaults.Validation;

namespace Tessera.Procurement.Features;

/// <summary>The tenant's procurement settings: today the over-receipt tolerance (0 % unless an administrator sets it).</summary>
public static class Settings
{
    public sealed record Request(decimal? OverReceiptTolerancePercent);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator() =>
            RuleFor(r => r.OverReceiptTolerancePercent).NotNull().InclusiveBetween(0, 100).PrecisionScale(5, 2, ignoreTrailingZeros: true)
                .WithMessage("overReceiptTolerancePercent is a percentage from 0 to 100 with at most two decimals.");
    }

    public static void Map(RouteGroupBuilder settings)
    {
        settings.MapGet("/", Get).WithName("GetProcurementSettings");
        settings.MapPut("/", Put).Validate<Request>().RequireRoles(Roles.Admin).WithName("UpdateProcurementSettings")
            .WithSummary("Set the over-receipt tolerance; send If-Match with the ETag you read when you have one.");
    }

    private static async Task<Ok<ProcurementSettingsDto>> Get(HttpResponse response, ProcurementDbContext db, CancellationToken cancellationToken)
    {
        var settings = await db.Settings.AsNoTracking().FirstOrDefaultAsync(cancellationToken);
        ETags.Set(response, settings?.Version ?? 0);
        return TypedResults.Ok(ToDto(settings));
    }

    private static async Task<Results<Ok<ProcurementSettingsDto>, ProblemHttpResult>> Put(
        Request request, HttpContext http, ClaimsPrincipal user, ProcurementDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        var settings = await db.Settings.FirstOrDefaultAsync(cancellationToken);
        if (!ETags.Matches(http.Request, settings?.Version ?? 0))
            return Problems.PreconditionFailed($"The settings are at version {settings?.Version ?? 0}, not the one in If-Match. Reload them first.");
        if (settings is null)
        {
            settings = new ProcurementSettings { Version = 1 };
            db.Settings.Add(settings);
        }
        (settings.OverReceiptTolerancePercent, settings.UpdatedAt, settings.UpdatedBy) = (request.OverReceiptTolerancePercent!.Value, clock.GetUtcNow(), user.Actor());
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        ETags.Set(http.Response, settings.Version);
        return TypedResults.Ok(ToDto(settings));
    }

    private static ProcurementSettingsDto ToDto(ProcurementSettings? s) =>
        new(s?.OverReceiptTolerancePercent ?? ProcurementSettings.DefaultOverReceiptTolerancePercent, s?.Version ?? 0);
}
