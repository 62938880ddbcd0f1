using System.Security.Claims;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tessera.Inventory.Contracts;
using Tessera.Inventory.Data;
using Tessera.Inventory.Domain;
using Tessera.Inventory.Ledger;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Errors;
using Tessera.ServiceDefaults.Security;
using Tessera.ServiceDefaults.Validation;

namespace Tessera.Inventory.Features;

/// <summary>The tenant's stock policy: negative stock (forbidden by default) and the reservation hold.</summary>
public static class Settings
{
    public sealed record Request(bool? NegativeStockAllowed, int? ReservationHoldMinutes);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.NegativeStockAllowed).NotNull();
            RuleFor(r => r.ReservationHoldMinutes).InclusiveBetween(1, 60 * 24 * 90)
                .WithMessage("reservationHoldMinutes must be between 1 and 129600 (90 days), or null for no expiry.");
        }
    }

    public static void Map(RouteGroupBuilder api)
    {
        api.MapGet("/settings", Get).WithTags("Settings").WithName("GetInventorySettings");
        api.MapPut("/settings", Put).WithTags("Settings").WithName("PutInventorySettings")
            .Validate<Request>()
            .RequireRoles()
            .WithSummary("Set the stock policy (administrators). If-Match with the version read makes the change conditional.")
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);
    }

    private static async Task<Ok<InventorySettingsDto>> Get(StockLedger ledger, HttpResponse response, CancellationToken cancellationToken)
    {
        var settings = await ledger.SettingsAsync(cancellationToken);
        ETags.Set(response, settings.Version);
        return TypedResults.Ok(ToDto(settings));
    }

    private static async Task<Results<Ok<InventorySettingsDto>, ProblemHttpResult>> Put(
        Request request, HttpContext http, ClaimsPrincipal user, InventoryDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        var settings = await db.Settings.FirstOrDefaultAsync(cancellationToken);
        if (!ETags.Matches(http.Request, settings?.Version ?? 0))
            return Problems.PreconditionFailed($"The settings are at version {settings?.Version ?? 0}; read them again and apply your change.");
        if (settings is null)
        {
            settings = new InventorySettings { Version = 1 };
            db.Settings.Add(settings);
        }
        (settings.NegativeStockAllowed, settings.ReservationHoldMinutes, settings.UpdatedAt, settings.UpdatedBy) =
            (request.NegativeStockAllowed!.Value, request.ReservationHoldMinutes, clock.GetUtcNow(), user.Actor());
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        ETags.Set(http.Response, settings.Version);
        return TypedResults.Ok(ToDto(settings));
    }

    private static InventorySettingsDto ToDto(InventorySettings s) =>
        new(s.NegativeStockAllowed, s.ReservationHoldMinutes, s.Version, s.Version == 0 ? null : s.UpdatedAt);
}
