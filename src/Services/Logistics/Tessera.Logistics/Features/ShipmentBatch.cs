using System.Security.Claims;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tessera.Logistics.Contracts;
using Tessera.Logistics.Data;
using Tessera.Logistics.Domain;
using Tessera.Messaging.Outbox;
using Tessera.ServiceDefaults.Security;
using Tessera.ServiceDefaults.Validation;

namespace Tessera.Logistics.Features;

/// <summary>
/// Many shipments at once, as a warehouse works a wave: pick, pack (the same packages for each) or dispatch (to one
/// carrier, waybills generated) — each shipment in its own transaction, exactly as its single action would run, so a
/// shipment that cannot take the step is named with the reason and the others go on. And the shipments of a selection
/// read in one call, for a batch pick list.
/// </summary>
public static class ShipmentBatch
{
    public const int MaxShipments = 200;
    public static readonly string[] Actions = ["pick", "pack", "dispatch"];

    public sealed record Request(string Action, IReadOnlyList<Guid> ShipmentIds, IReadOnlyList<PackShipment.PackageInput>? Packages, string? Carrier);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Action).Must(a => Actions.Contains(a)).WithMessage($"action is one of {string.Join(", ", Actions)}.");
            RuleFor(r => r.ShipmentIds).NotEmpty().WithMessage("Select at least one shipment.")
                .Must(ids => ids is null || ids.Count <= MaxShipments).WithMessage($"At most {MaxShipments} shipments at a time.");
            RuleFor(r => r.Packages).NotEmpty().When(r => r.Action == "pack").WithMessage("Packing needs the package each shipment is packed into.");
            RuleFor(r => r.Packages!).SetValidator(new PackShipment.PackagesValidator()).When(r => r.Packages is not null);
            RuleFor(r => r.Carrier).Matches("^[A-Za-z0-9][A-Za-z0-9_-]{0,19}$").When(r => !string.IsNullOrWhiteSpace(r.Carrier))
                .WithMessage("carrier is a carrier code: 1 to 20 letters, digits, '_' or '-'.");
        }
    }

    public static void Map(RouteGroupBuilder shipments)
    {
        shipments.MapPost("/batch", Handle)
            .Validate<Request>()
            .RequireRoles(Roles.Warehouse)
            .WithName("BatchShipmentAction")
            .WithSummary($"Pick, pack or dispatch up to {MaxShipments} shipments at once; each is done on its own and the answer names the ones refused.")
            .Produces<ShipmentBatchResultDto>();
        shipments.MapGet("/selection", Selection).WithName("ShipmentSelection")
            .WithSummary($"Up to {MaxShipments} shipments by id (ids=a,b,c) with their lines and packages, in the order asked: a batch pick list's data.");
    }

    private static async Task<Ok<ShipmentBatchResultDto>> Handle(
        Request request, ClaimsPrincipal user, LogisticsDbContext db, IOutbox outbox, TimeProvider clock, CancellationToken cancellationToken)
    {
        var items = new List<ShipmentBatchItemDto>();
        foreach (var id in request.ShipmentIds.Distinct())
        {
            Func<Shipment, Task<ShipmentSteps.Decision>> act = request.Action switch
            {
                "pick" => s => Task.FromResult<ShipmentSteps.Decision>(s.Pick(user.Actor(), clock.GetUtcNow())),
                "pack" => s => Task.FromResult<ShipmentSteps.Decision>(s.Pack(PackShipment.Sizes(request.Packages!), user.Actor(), clock.GetUtcNow())),
                _ => DispatchShipment.Decide(new DispatchShipment.Request(request.Carrier, null), user, db, clock, cancellationToken),
            };
            var verb = request.Action switch { "pick" => "picked", "pack" => "packed", _ => "dispatched" };
            var (shipment, problem) = await ShipmentSteps.ApplyAsync(id, verb, _ => true, db, outbox, act, cancellationToken);
            // Each shipment stands alone: what one step tracked must not ride along with the next one's save.
            db.ChangeTracker.Clear();
            var details = problem switch
            {
                ProblemHttpResult p => p.ProblemDetails,
                ValidationProblem v => v.ProblemDetails,
                _ => null,
            };
            items.Add(new ShipmentBatchItemDto(id, shipment?.Number, problem is null, shipment?.Status, details?.Title, details?.Detail ?? (details as HttpValidationProblemDetails)
                ?.Errors.SelectMany(e => e.Value).FirstOrDefault()));
        }
        return TypedResults.Ok(new ShipmentBatchResultDto(request.Action, items));
    }

    private static async Task<Results<Ok<List<ShipmentDto>>, ValidationProblem>> Selection(string? ids, LogisticsDbContext db, CancellationToken cancellationToken)
    {
        var wanted = new List<Guid>();
        foreach (var text in (ids ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Guid.TryParse(text, out var id))
                return Tessera.ServiceDefaults.Errors.Problems.Validation("ids", $"'{text}' is not a shipment id.");
            wanted.Add(id);
        }
        if (wanted.Count is 0 or > MaxShipments)
            return Tessera.ServiceDefaults.Errors.Problems.Validation("ids", $"Name 1 to {MaxShipments} shipments (ids=a,b,c).");
        var shipments = await db.Shipments.AsNoTracking().AsSplitQuery().Include(s => s.Lines).Include(s => s.Packages).Include(s => s.History)
            .Where(s => wanted.Contains(s.Id)).ToListAsync(cancellationToken);
        var result = new List<ShipmentDto>();
        foreach (var shipment in shipments.OrderBy(s => wanted.IndexOf(s.Id)))
            result.Add(await shipment.ToDtoAsync(db, cancellationToken));
        return TypedResults.Ok(result);
    }
}
