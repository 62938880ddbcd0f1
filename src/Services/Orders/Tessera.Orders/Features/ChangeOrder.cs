using System.Security.Claims;
using System.Text.Json;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tessera.Messaging.Outbox;
using Tessera.Orders.Contracts;
using Tessera.Orders.Data;
using Tessera.Orders.Domain;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Errors;
using Tessera.ServiceDefaults.Security;
using Tessera.ServiceDefaults.Validation;

namespace Tessera.Orders.Features;

/// <summary>
/// Edits an order. What may change is explicit: while Pending or Confirmed, every part; after that, nothing. The
/// request must carry the ETag the client read (If-Match): a stale one is refused with 412, so no edit is lost.
/// Parts sent replace what is there; parts left out stay. New lines are not applied at once: they wait for inventory
/// to adjust the reservation by the difference, and are applied (or refused) when it answers.
/// </summary>
public static class ChangeOrder
{
    public sealed record Request(
        CustomerInput? Customer = null,
        ShippingInput? Shipping = null,
        IReadOnlyList<LineInput>? Lines = null,
        MarketingInput? Marketing = null,
        FinancialInput? Financial = null,
        OperationalInput? Operational = null,
        Dictionary<string, JsonElement>? Attributes = null,
        TotalsInput? Totals = null);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Customer!).SetValidator(new CustomerValidator()).When(r => r.Customer is not null);
            RuleFor(r => r.Shipping!).SetValidator(new ShippingValidator()).When(r => r.Shipping is not null);
            RuleFor(r => r.Lines).Must(l => l is null || (l.Count > 0 && l.Count <= OrderRules.MaxLines))
                .WithMessage($"An order has 1 to {OrderRules.MaxLines} lines.");
            RuleForEach(r => r.Lines).SetValidator(new LineValidator());
            RuleFor(r => r.Marketing!).SetValidator(new MarketingValidator()).When(r => r.Marketing is not null);
            RuleFor(r => r.Financial!).SetValidator(new FinancialValidator()).When(r => r.Financial is not null);
            RuleFor(r => r.Operational!).SetValidator(new OperationalValidator()).When(r => r.Operational is not null);
        }
    }

    public static void Map(RouteGroupBuilder orders) =>
        orders.MapPatch("/{id:guid}", Handle)
            .Validate<Request>()
            .RequireRoles(Roles.Sales)
            .WithName("ChangeOrder")
            .WithSummary("Change an order: send If-Match with the ETag you read. Lines are applied once inventory has adjusted the reservation.");

    private static async Task<IResult> Handle(
        Guid id, Request request, HttpContext http, ClaimsPrincipal user, OrdersDbContext db, Archive.OrderArchive archive, ProductDirectory products, OrderComposer composer,
        OrderPrivacy privacy, IOutbox outbox, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(http.Request.Headers.IfMatch))
            return TypedResults.Problem(statusCode: StatusCodes.Status428PreconditionRequired, title: "If-Match is required",
                detail: "Read the order first and send its ETag in If-Match, so that a change made meanwhile by someone else is not overwritten.");

        // Catalog lookups happen before the write transaction, never while holding it.
        var known = request.Lines is null
            ? new Dictionary<string, KnownProduct>()
            : await products.FindAsync(request.Lines.Select(l => l.Sku).ToList(), cancellationToken);
        var definitions = request.Attributes is null ? [] : await composer.AttributeDefinitionsAsync(cancellationToken);

        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        var order = await db.Orders.AsSplitQuery().Include(o => o.Lines).Include(o => o.History).Include(o => o.Timeline)
            .FirstOrDefaultAsync(o => o.Id == id, cancellationToken);
        if (order is null)
            return await archive.FindAsync(id, cancellationToken) is { } archived
                ? Problems.Conflict("The order is archived", $"Order {archived.Number} was closed and archived; archived orders cannot be changed.")
                : Problems.NotFound("Order", id.ToString());
        if (!ETags.Matches(http.Request, order.Version))
            return Problems.PreconditionFailed($"Order {order.Number} is at version {order.Version}, not the one in If-Match. Reload it and apply your change again.");
        if (order.WhyNotEditable() is { } reason)
            return Problems.Conflict("The order can no longer be changed", reason);
        if (request.Lines is not null && order.PendingChange is not null)
            return Problems.Conflict("A line change is already waiting", $"Order {order.Number} has a line change waiting for inventory; try again once it is applied or refused.");

        var tenant = order.TenantId;
        var errors = new CompositionErrors();
        var changed = new List<string>();
        if (request.Customer is not null)
        {
            order.Customer = composer.Customer(request.Customer, tenant);
            changed.Add("customer");
        }
        if (request.Shipping is not null)
        {
            order.Shipping = composer.Shipping(request.Shipping, tenant);
            changed.Add("shipping");
        }
        if (request.Operational is not null)
        {
            order.PreferredWarehouse = request.Operational.PreferredWarehouse?.Trim().ToUpperInvariant();
            order.Notes = composer.Notes(request.Operational.Notes, tenant);
            order.Tags = OrderComposer.Tags(request.Operational.Tags);
            changed.Add("operational");
        }
        if (request.Attributes is not null)
        {
            composer.ValidateAttributes(request.Attributes, definitions, errors, out var attributes);
            order.Attributes = attributes;
            changed.Add("attributes");
        }
        if (request.Financial is { PaymentMethod: not null } or { PaymentStatus: not null })
        {
            order.PaymentMethod = request.Financial.PaymentMethod ?? order.PaymentMethod;
            order.PaymentStatus = request.Financial.PaymentStatus ?? order.PaymentStatus;
            changed.Add("payment");
        }
        var marketing = request.Marketing is null ? OrderMarketing.Parse(order.Marketing) : OrderComposer.Marketing(request.Marketing);
        if (request.Marketing is not null)
        {
            order.Marketing = marketing.ToJson();
            changed.Add("marketing");
        }

        // Amounts: the current lines re-priced now, or the proposed lines priced for when they are applied.
        var shippingFee = request.Financial?.ShippingFee ?? order.ShippingFee;
        var priced = request.Lines is null
            ? OrderComposer.Reprice(order.Lines.OrderBy(l => l.LineNo).ToList(), marketing, shippingFee, order.Currency, errors)
            : composer.PriceLines(request.Lines, known, marketing, shippingFee, order.Currency, errors);
        if (errors.Any)
            return Problems.Validation(errors.ToDictionary());
        var totalsErrors = new CompositionErrors();
        OrderComposer.CheckTotals(request.Totals, priced!.Value.Totals, totalsErrors);
        if (totalsErrors.Any)
            return PlaceOrder.TotalsDisagree(totalsErrors, priced.Value.Totals);

        var now = clock.GetUtcNow();
        LineChangeDto? lineChange = null;
        if (request.Lines is null)
        {
            order.SetLines(priced.Value.Lines, priced.Value.Totals);
        }
        else
        {
            await products.RememberFetchedAsync(cancellationToken);
            var pending = new PendingLineChange(Guid.CreateVersion7(), priced.Value.Lines, now, user.Actor());
            order.PendingChange = OrderComposer.PendingJson(pending);
            lineChange = new LineChangeDto(pending.Id, pending.Lines.Select(l => new OrderedLine(l.LineNo, l.Sku, l.Quantity)).ToList());
            changed.Add("lines");
        }
        if (request.Financial?.ShippingFee is not null)
            changed.Add("shippingFee");
        if (changed.Count == 0)
        {
            ETags.Set(http.Response, order.Version);
            return TypedResults.Ok(order.ToDto(privacy));
        }

        order.Edited(Summary(changed, lineChange, priced.Value.Lines), user.Actor(), now);
        await db.SaveChangesAsync(cancellationToken);
        outbox.Publish(new OrderChanged(order.Id, order.Number, order.Version, changed, lineChange), order.Id.ToString());
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        ETags.Set(http.Response, order.Version);
        return TypedResults.Ok(order.ToDto(privacy));
    }

    private static string Summary(IReadOnlyList<string> changed, LineChangeDto? lines, IReadOnlyList<OrderLine> proposed)
    {
        var parts = changed.Where(c => c != "lines").Select(c => c switch
        {
            "customer" => "customer details",
            "shipping" => "shipping details",
            "operational" => "warehouse, notes and tags",
            "shippingFee" => "shipping fee",
            _ => c,
        }).Distinct().ToList();
        var text = parts.Count > 0 ? "Changed " + string.Join(", ", parts) : "";
        if (lines is not null)
            text += (text.Length > 0 ? "; " : "") + $"proposed lines {OrderComposer.Describe(proposed)} (waiting for inventory)";
        return text;
    }
}
