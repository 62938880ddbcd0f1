using System.Security.Claims;
using System.Text.Json;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Tessera.Messaging.Outbox;
using Tessera.Orders.Contracts;
using Tessera.Orders.Customers;
using Tessera.Orders.Data;
using Tessera.Orders.Domain;
using Tessera.ServiceDefaults.Errors;
using Tessera.ServiceDefaults.Idempotency;
using Tessera.ServiceDefaults.Security;
using Tessera.ServiceDefaults.Tenancy;
using Tessera.ServiceDefaults.Validation;

namespace Tessera.Orders.Features;

/// <summary>
/// Places an order in the unified model: validated field by field, priced by the server (client totals that disagree
/// are refused with the difference), numbered without gaps, stored Pending with its personal data encrypted, and
/// announced with OrderPlaced in the same transaction.
/// </summary>
public static class PlaceOrder
{
    public const string DefaultCurrency = "VND";

    public sealed record Request(
        string Channel,
        string? ExternalRef,
        string? Currency,
        DateTimeOffset? PlacedAt,
        CustomerInput? Customer,
        IReadOnlyList<LineInput> Lines,
        ShippingInput? Shipping = null,
        MarketingInput? Marketing = null,
        FinancialInput? Financial = null,
        OperationalInput? Operational = null,
        Dictionary<string, JsonElement>? Attributes = null,
        TotalsInput? Totals = null,
        Guid? CustomerId = null);

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
            // A customer of the master (customerId) gives the order its contact; without one the order names its customer.
            RuleFor(r => r.Customer).NotNull().When(r => r.CustomerId is null).WithMessage("customer is required (or customerId).");
            RuleFor(r => r.Customer!).SetValidator(new CustomerValidator()).When(r => r.Customer is not null);
            RuleFor(r => r.Lines).NotEmpty().WithMessage("An order needs at least one line.")
                .Must(l => l is null || l.Count <= OrderRules.MaxLines).WithMessage($"An order has at most {OrderRules.MaxLines} lines.");
            RuleForEach(r => r.Lines).SetValidator(new LineValidator());
            RuleFor(r => r.Shipping!).SetValidator(new ShippingValidator()).When(r => r.Shipping is not null);
            RuleFor(r => r.Marketing!).SetValidator(new MarketingValidator()).When(r => r.Marketing is not null);
            RuleFor(r => r.Financial!).SetValidator(new FinancialValidator()).When(r => r.Financial is not null);
            RuleFor(r => r.Operational!).SetValidator(new OperationalValidator()).When(r => r.Operational is not null);
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
        OrderComposer composer,
        ExternalReferences references,
        IOutbox outbox,
        IdempotentRequests idempotency,
        CustomerDirectory customers,
        TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var tenantId = tenant.TenantId!;
        if (request.CustomerId is { } customerId && await customers.FindAsync(customerId, cancellationToken) is null)
            return Problems.Validation("customerId", $"No customer {customerId}: choose one of the tenant's customers, or leave it out and name the customer.");
        var currency = request.Currency ?? DefaultCurrency;
        var known = await products.FindAsync(request.Lines.Select(l => l.Sku).ToList(), cancellationToken);
        var errors = new CompositionErrors();
        var marketing = OrderComposer.Marketing(request.Marketing);
        var priced = composer.PriceLines(request.Lines, known, marketing, request.Financial?.ShippingFee ?? 0, currency, errors);
        composer.ValidateAttributes(request.Attributes, await composer.AttributeDefinitionsAsync(cancellationToken), errors, out var attributes);
        if (errors.Any)
            return Problems.Validation(errors.ToDictionary());

        var totalsErrors = new CompositionErrors();
        OrderComposer.CheckTotals(request.Totals, priced!.Value.Totals, totalsErrors);
        if (totalsErrors.Any)
            return TotalsDisagree(totalsErrors, priced.Value.Totals);

        return await idempotency.ExecuteAsync(db, "orders.place", idempotencyKey, request, async ct =>
        {
            // Two placements with one external reference at once: on PostgreSQL the second waits here, then finds the
            // first one's order (docs/adr/0024).
            if (request.ExternalRef is { Length: > 0 } reference)
                await db.LockAsync($"external-ref:{tenantId}:{request.Channel}:{reference.Trim()}", ct);
            if (request.ExternalRef is { Length: > 0 } externalRef
                && await references.FindAsync(request.Channel, externalRef.Trim(), ct) is { } existing)
            {
                return IdempotentOutcome.Refused(Problems.Conflict("Duplicate external reference",
                    $"Order {existing.Number} already has external reference '{externalRef}' on channel '{request.Channel}'.",
                    new Dictionary<string, object?> { ["existingOrderId"] = existing.Id, ["existingOrderNumber"] = existing.Number }));
            }

            await products.RememberFetchedAsync(ct);
            var now = clock.GetUtcNow();
            var order = composer.Build(request, priced.Value, marketing, attributes, tenantId, await OrderNumbers.NextAsync(db, ct), user.Actor(), now);
            if (request.CustomerId is { } chosen && await customers.FindAsync(chosen, ct) is { } customer)
            {
                order.CustomerId = customer.Id;
                if (request.Customer is null)
                    order.Customer = CustomerDirectory.Contact(customer);
            }
            else
                await customers.AttachAsync([order], [request.Customer!.Name], now, ct);
            db.Orders.Add(order);
            outbox.Publish(OrderComposer.Placed(order, request.Shipping?.Address?.Province), order.Id.ToString());
            return IdempotentOutcome.Created($"/api/orders/{order.Id}", new OrderCreatedDto(order.Id, order.Number, order.Status));
        }, cancellationToken);
    }

    public static IResult TotalsDisagree(CompositionErrors errors, OrderTotals computed) =>
        Results.Problem(new HttpValidationProblemDetails(errors.ToDictionary())
        {
            Status = StatusCodes.Status422UnprocessableEntity,
            Title = "The totals sent do not match the server's",
            Detail = errors.ToString(),
            Extensions = { ["computed"] = new TotalsDto(computed.Subtotal, computed.DiscountTotal, computed.TaxTotal, computed.ShippingFee, computed.GrandTotal) },
        });
}

public static class OrderNumbers
{
    /// <summary>Takes the tenant's next number; the write transaction makes the sequence gapless.</summary>
    public static async Task<long> NextAsync(OrdersDbContext db, CancellationToken cancellationToken) =>
        await ReserveAsync(db, 1, cancellationToken);

    /// <summary>
    /// Takes the tenant's next <paramref name="count"/> numbers and returns the first; call once per transaction (an
    /// import batch numbers all its orders at once). If the transaction rolls back, so does the sequence: no gaps.
    /// </summary>
    public static async Task<long> ReserveAsync(OrdersDbContext db, int count, CancellationToken cancellationToken)
    {
        // Several instances place orders at once on PostgreSQL: the counter is read and written by one of them at a time,
        // until its transaction ends (a tenant's first order has no row yet to lock, hence a lock on its name).
        await db.LockAsync("order-number:" + db.CurrentTenantId, cancellationToken);
        var sequence = await db.NumberSequences.FirstOrDefaultAsync(cancellationToken);
        if (sequence is null)
        {
            sequence = new OrderNumberSequence { Next = 1 };
            db.NumberSequences.Add(sequence);
        }
        var first = sequence.Next;
        sequence.Next += count;
        return first;
    }
}
