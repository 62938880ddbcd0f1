using System.Security.Claims;
using FluentValidation;
using Tessera.Logistics.Contracts;
using Tessera.Logistics.Data;
using Tessera.Logistics.Domain;
using Tessera.Messaging.Outbox;
using Tessera.ServiceDefaults.Security;
using Tessera.ServiceDefaults.Validation;

namespace Tessera.Logistics.Features;

/// <summary>A Picked shipment is packed into packages, each weighed and measured.</summary>
public static class PackShipment
{
    public const int MaxPackages = 50;

    public sealed record PackageInput(decimal? WeightKg, decimal? LengthCm, decimal? WidthCm, decimal? HeightCm);

    public sealed record Request(IReadOnlyList<PackageInput> Packages);

    public sealed class PackagesValidator : AbstractValidator<IReadOnlyList<PackageInput>>
    {
        public PackagesValidator()
        {
            RuleForEach(p => p).ChildRules(package =>
            {
                package.RuleFor(p => p.WeightKg).NotNull().GreaterThan(0).LessThanOrEqualTo(10_000).PrecisionScale(18, 3, ignoreTrailingZeros: true);
                package.RuleFor(p => p.LengthCm).NotNull().GreaterThan(0).LessThanOrEqualTo(1_000).PrecisionScale(18, 2, ignoreTrailingZeros: true);
                package.RuleFor(p => p.WidthCm).NotNull().GreaterThan(0).LessThanOrEqualTo(1_000).PrecisionScale(18, 2, ignoreTrailingZeros: true);
                package.RuleFor(p => p.HeightCm).NotNull().GreaterThan(0).LessThanOrEqualTo(1_000).PrecisionScale(18, 2, ignoreTrailingZeros: true);
            });
        }
    }

    public static List<PackageSize> Sizes(IEnumerable<PackageInput> packages) =>
        packages.Select(p => new PackageSize(p.WeightKg!.Value, p.LengthCm!.Value, p.WidthCm!.Value, p.HeightCm!.Value)).ToList();

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Packages).NotEmpty().WithMessage("A shipment is packed into at least one package.")
                .Must(p => p is null || p.Count <= MaxPackages).WithMessage($"A shipment has at most {MaxPackages} packages.");
            RuleForEach(r => r.Packages).ChildRules(package =>
            {
                package.RuleFor(p => p.WeightKg).NotNull().GreaterThan(0).LessThanOrEqualTo(10_000).PrecisionScale(18, 3, ignoreTrailingZeros: true);
                package.RuleFor(p => p.LengthCm).NotNull().GreaterThan(0).LessThanOrEqualTo(1_000).PrecisionScale(18, 2, ignoreTrailingZeros: true);
                package.RuleFor(p => p.WidthCm).NotNull().GreaterThan(0).LessThanOrEqualTo(1_000).PrecisionScale(18, 2, ignoreTrailingZeros: true);
                package.RuleFor(p => p.HeightCm).NotNull().GreaterThan(0).LessThanOrEqualTo(1_000).PrecisionScale(18, 2, ignoreTrailingZeros: true);
            });
        }
    }

    public static void Map(RouteGroupBuilder shipments) =>
        shipments.MapPost("/{id:guid}/pack", Handle)
            .Validate<Request>()
            .RequireRoles(Roles.Warehouse)
            .WithName("PackShipment")
            .WithSummary("Picked → Packed, with the packages' weight (kg) and dimensions (cm). If-Match optional.")
            .Produces<ShipmentDto>()
            .ProducesProblem(StatusCodes.Status409Conflict);

    private static Task<IResult> Handle(
        Guid id, Request request, HttpContext http, ClaimsPrincipal user, LogisticsDbContext db, IOutbox outbox, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var packages = Sizes(request.Packages);
        return ShipmentSteps.RunAsync(id, "packed", http, db, outbox,
            shipment => Task.FromResult<ShipmentSteps.Decision>(shipment.Pack(packages, user.Actor(), clock.GetUtcNow())), cancellationToken);
    }
}
