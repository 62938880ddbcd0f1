using System.Security.Claims;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Tessera.Orders.Contracts;
using Tessera.Orders.Data;
using Tessera.Orders.Domain;
using Tessera.Messaging.Outbox;
using Tessera.ServiceDefaults.Errors;
using Tessera.ServiceDefaults.Idempotency;
using Tessera.ServiceDefaults.Security;
using Tessera.ServiceDefaults.Tenancy;
using Tessera.ServiceDefaults.Validation;

namespace Tessera.Orders.Features;

/// <summary>
/// Places an order: validated, numbered without gaps, stored Pending with its customer encrypted, and announced with
/// OrderPlaced in the same transaction. Inventory's answer later confirms or rejects it.
/// </summary>
public static class PlaceOrder
{
    public const string DefaultCurrency = "VND";

    public sealed record Customer(string Name, string? Phone, string? Email);

    public sealed record Line(string Sku, decimal? Quantity, decimal? UnitPrice);

    public sealed record Request(
        string Channel,
        string? ExternalRef,
        string? Currency,
        DateTimeOffset? PlacedAt,
        Customer Customer,
        IReadOnlyList<Line> Lines);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator(TimeProvider clock)
        {
            RuleFor(r => r.Channel).NotEmpty().Matches("^[a-z0-9][a-z0-9:_-]{0,49}$")
                .WithMessage("channel is a lower-case name such as web, pos, api or marketplace:shopee.");
            RuleFor(r => r.ExternalRef).MaximumLength(100);
            RuleFor(r => r.Currency).Matches("^[A-Z]{3}$").When(r => r.Currency is not null)
                .WithMessage("currency must be a three-letter ISO 4217 code such as VND or USD.");
            RuleFor(r => r.PlacedAt).Must(at => at is null || at <= clock.GetUtcNow().AddMinutes(5))
                .WithMessage("placedAt cannot be in the future.");
            RuleFor(r => r.Customer).NotNull().WithMessage("customer is required.");
            RuleFor(r => r.Customer.Name).NotEmpty().MaximumLength(200).When(r => r.Customer is not null);
            RuleFor(r => r.Customer.Phone).MaximumLength(30)
                .Must(p => p is null || p.Count(char.IsAsciiDigit) >= 6).WithMessage("phone needs at least 6 digits.")
                .When(r => r.Customer is not null);
            RuleFor(r => r.Customer.Email).MaximumLength(200).EmailAddress().When(r => r.Customer?.Email is { Length: > 0 });
            RuleFor(r => r.Lines).NotEmpty().WithMessage("An order needs at least one line.")
                .Must(l => l is null || l.Count <= 500).WithMessage("An order has at most 500 lines.");
            RuleForEach(r => r.Lines).ChildRules(line =>
            {
                line.RuleFor(l => l.Sku).NotEmpty().MaximumLength(64);
                line.RuleFor(l => l.Quantity).NotNull().GreaterThan(0).PrecisionScale(18, 4, ignoreTrailingZeros: true);
                line.RuleFor(l => l.UnitPrice).NotNull().GreaterThanOrEqualTo(0).PrecisionScale(18, 4, ignoreTrailingZeros: true);
            });
        }
    }

    public static void Map(RouteGroupBuilder orders) =>
        orders.MapPost("/", Handle)
            .Validate<Request>()
            .RequireRoles(Roles.Sales)
            .WithName("PlaceOrder")
            .WithSummary("Place an order. Send an Idempotency-Key so that a retried request never creates a second order.")
            .Produces<OrderCreatedDto>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

    private static async Task<IResult> Handle(
        Request request,
        [FromHeader(Name = IdempotentRequests.HeaderName)] string? idempotencyKey,
        ClaimsPrincipal user,
        OrdersDbContext db,
        ITenantContext tenant,
        ProductDirectory products,
        CustomerProtection customers,
        IOutbox outbox,
        IdempotentRequests idempotency,
        TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var known = await products.FindAsync(request.Lines.Select(l => l.Sku).ToList(), cancellationToken);
        var unknown = request.Lines
            .Select((line, index) => (line, index))
            .Where(x => !known.ContainsKey(x.line.Sku))
            .ToDictionary(x => $"lines[{x.index}].sku", x => new[] { $"Unknown SKU '{x.line.Sku}'." });
        if (unknown.Count > 0)
            return Problems.Validation(unknown);

        var tenantId = tenant.TenantId!;
        return await idempotency.ExecuteAsync(db, "orders.place", idempotencyKey, request, async ct =>
        {
            if (request.ExternalRef is { Length: > 0 } externalRef)
            {
                var existing = await db.Orders.AsNoTracking()
                    .Where(o => o.Channel == request.Channel && o.ExternalRef == externalRef)
                    .Select(o => new { o.Id, o.Number })
                    .FirstOrDefaultAsync(ct);
                if (existing is not null)
                    return IdempotentOutcome.Refused(Problems.Conflict("Duplicate external reference",
                        $"Order {existing.Number} already has external reference '{externalRef}' on channel '{request.Channel}'.",
                        new Dictionary<string, object?> { ["existingOrderId"] = existing.Id, ["existingOrderNumber"] = existing.Number }));
            }

            await products.RememberFetchedAsync(ct);
            var number = await NextNumberAsync(db, ct);
            var now = clock.GetUtcNow();
            var lines = request.Lines.Select((l, i) => new OrderLine
            {
                LineNo = i + 1,
                Sku = l.Sku,
                Description = known[l.Sku].Name,
                Quantity = l.Quantity!.Value,
                UnitPrice = l.UnitPrice!.Value,
                LineTotal = l.Quantity!.Value * l.UnitPrice!.Value,
            });
            var customer = customers.Protect(new CustomerDto(request.Customer.Name, request.Customer.Phone, request.Customer.Email), tenantId);
            var order = Order.Place(Guid.CreateVersion7(), number, request.Channel, request.ExternalRef, request.Currency ?? DefaultCurrency,
                customer, lines, request.PlacedAt ?? now, user.Actor(), now);
            db.Orders.Add(order);

            outbox.Publish(new OrderPlaced(order.Id, order.Number, order.Channel,
                order.Lines.Select(l => new OrderedLine(l.LineNo, l.Sku, l.Quantity)).ToList(), order.PlacedAt), order.Id.ToString());
            return IdempotentOutcome.Created($"/api/orders/{order.Id}", new OrderCreatedDto(order.Id, order.Number, order.Status));
        }, cancellationToken);
    }

    /// <summary>Takes the tenant's next number; the write transaction makes the sequence gapless.</summary>
    private static async Task<long> NextNumberAsync(OrdersDbContext db, CancellationToken cancellationToken)
    {
        var sequence = await db.NumberSequences.FirstOrDefaultAsync(cancellationToken);
        if (sequence is null)
        {
            sequence = new OrderNumberSequence { Next = 1 };
            db.NumberSequences.Add(sequence);
        }
        return sequence.Next++;
    }
}
