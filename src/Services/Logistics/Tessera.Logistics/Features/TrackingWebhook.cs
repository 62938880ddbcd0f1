using System.Text.Json;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tessera.Logistics.Contracts;
using Tessera.Logistics.Data;
using Tessera.Logistics.Domain;
using Tessera.Messaging.Outbox;
using Tessera.ServiceDefaults.Http;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Errors;
using Tessera.ServiceDefaults.Json;
using Tessera.ServiceDefaults.Security;
using Tessera.ServiceDefaults.Tenancy;
using Tessera.ServiceDefaults.Validation;

namespace Tessera.Logistics.Features;

/// <summary>
/// Carriers report tracking here (docs/tracking-webhook.md), through the web gateway's public
/// POST /api/webhooks/{tenant}/tracking/{carrierCode}, which forwards the body unchanged with a service token for the
/// tenant. The body must be signed with the carrier's secret. Each event is taken once per (carrier, event id); events
/// of one call are applied oldest first; an update older than the last one that moved its shipment, or one that would
/// move it backwards, is kept in the history and changes nothing. An unknown waybill is kept as unmatched and answered
/// 202, so that the carrier does not retry it forever; it is applied if a shipment is dispatched with it later.
/// </summary>
public static class TrackingWebhook
{
    public const string SignatureHeader = "X-Tessera-Signature";
    public const int MaxBodyBytes = 1024 * 1024;
    public const int MaxEvents = 500;

    public sealed record EventInput(string? EventId, string? WaybillNumber, string? Status, DateTimeOffset? OccurredAt, string? Location, string? Reason);

    public sealed record Payload(IReadOnlyList<EventInput>? Events);

    public sealed class Validator : AbstractValidator<Payload>
    {
        public Validator()
        {
            RuleFor(p => p.Events).NotEmpty().WithMessage("events must hold at least one tracking event.")
                .Must(e => e is null || e.Count <= MaxEvents).WithMessage($"A call carries at most {MaxEvents} events; send the rest in another call.");
            RuleForEach(p => p.Events).ChildRules(e =>
            {
                e.RuleFor(x => x.EventId).NotEmpty().MaximumLength(100);
                e.RuleFor(x => x.WaybillNumber).NotEmpty().MaximumLength(40);
                e.RuleFor(x => x.Status).NotEmpty()
                    .Must(s => s is null || TryParseStatus(s, out _))
                    .WithMessage($"status is one of {string.Join(", ", Enum.GetNames<TrackingStatus>())}.");
                e.RuleFor(x => x.OccurredAt).NotNull().WithMessage("occurredAt is required: when the carrier saw this happen (ISO 8601 with an offset).");
                e.RuleFor(x => x.Location).MaximumLength(200);
                e.RuleFor(x => x.Reason).MaximumLength(500);
            });
        }
    }

    public static void Map(RouteGroupBuilder tracking)
    {
        tracking.MapPost("/{carrierCode}", Handle)
            .RequireRoles(Roles.Service)
            .WithName("ReceiveTracking")
            .WithSummary("A carrier's tracking updates, signed (X-Tessera-Signature: sha256=<hex HMAC-SHA256 of the raw body>). " +
                         "200 when every event matched a shipment, 202 when some are kept as unmatched.")
            .Produces<TrackingReceiptDto>()
            .Produces<TrackingReceiptDto>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesValidationProblem();
        tracking.MapGet("/unmatched", Unmatched).WithName("ListUnmatchedTracking")
            .WithSummary("Tracking updates whose waybill matched no shipment, newest first, for operators.");
    }

    public static bool TryParseStatus(string value, out TrackingStatus status) =>
        Enum.TryParse(value.Trim(), ignoreCase: true, out status) && !int.TryParse(value, out _);

    private static async Task<IResult> Handle(
        string carrierCode, HttpRequest request, LogisticsDbContext db, ITenantContext tenant, WebhookSecrets secrets, IOutbox outbox, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        if (tenant.TenantId is null)
            return Problems.Validation("tenant", "Tracking updates are received for one tenant: call with a token that names it.");
        var body = await request.ReadUpToAsync(MaxBodyBytes, cancellationToken);
        if (body is null)
            return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "The body is too large",
                detail: $"A tracking call is at most {MaxBodyBytes / 1024} KB; send the events in several calls.");

        var code = Carrier.NormalizeCode(carrierCode);
        var carrier = await db.Carriers.AsNoTracking().FirstOrDefaultAsync(c => c.Code == code, cancellationToken);
        if (carrier is null)
            return Problems.NotFound("Carrier", code);
        var signature = request.Headers[SignatureHeader].ToString();
        if (!WebhookSecrets.Verify(body, secrets.Unprotect(carrier.WebhookSecret, tenant.TenantId), signature))
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "The signature is not valid",
                detail: string.IsNullOrWhiteSpace(signature)
                    ? $"Sign the raw body with the carrier's webhook secret and send {SignatureHeader}: sha256=<hex HMAC-SHA256>."
                    : $"{SignatureHeader} does not match the body for carrier {code}. Sign the exact bytes sent with the current secret.");

        // Read as strictly as any request body: a moment without an offset, a key given twice or a control character is
        // refused naming the field (docs/tracking-webhook.md).
        Payload? payload;
        try
        {
            payload = JsonSerializer.Deserialize<Payload>(body, TesseraJson.Input);
        }
        catch (JsonException ex)
        {
            var error = BindingProblems.FromJson(ex, typeof(Payload), TesseraJson.Input);
            return Problems.Validation(error.Field, error.Message);
        }
        if (payload is null)
            return Problems.Validation("events", "A body {\"events\":[…]} is required.");
        var validation = await new Validator().ValidateAsync(payload, cancellationToken);
        if (!validation.IsValid)
            return Problems.Validation(validation.ToProblemErrors());

        var receipt = await ApplyAsync(code, payload.Events!, db, outbox, clock, cancellationToken);
        return receipt.Unmatched > 0
            ? TypedResults.Json(receipt, TesseraJson.Options, statusCode: StatusCodes.Status202Accepted)
            : TypedResults.Ok(receipt);
    }

    private static async Task<TrackingReceiptDto> ApplyAsync(
        string carrier, IReadOnlyList<EventInput> events, LogisticsDbContext db, IOutbox outbox, TimeProvider clock, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var outcomes = new TrackingOutcomeDto[events.Count];
        await using var transaction = await db.BeginWriteAsync(cancellationToken);

        var ids = events.Select(e => e.EventId!.Trim()).Distinct().ToList();
        var known = (await db.TrackingUpdates.AsNoTracking().Where(t => t.Carrier == carrier && ids.Contains(t.EventId))
            .Select(t => new { t.EventId, t.ShipmentId }).ToListAsync(cancellationToken)).ToDictionary(t => t.EventId, t => t.ShipmentId);
        var waybills = events.Select(e => e.WaybillNumber!.Trim()).Distinct().ToList();
        var shipments = await db.Shipments.AsSplitQuery().Include(s => s.Lines).Include(s => s.History)
            .Where(s => s.Carrier == carrier && s.WaybillNumber != null && waybills.Contains(s.WaybillNumber))
            .ToDictionaryAsync(s => s.WaybillNumber!, cancellationToken);

        // The carrier's order within a call does not matter: oldest first, ties in the order sent.
        var ordered = events.Select((e, index) => (Event: e, Index: index)).OrderBy(x => x.Event.OccurredAt!.Value).ThenBy(x => x.Index);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (input, index) in ordered)
        {
            var eventId = input.EventId!.Trim();
            if (known.TryGetValue(eventId, out var shipmentId) || !seen.Add(eventId))
            {
                outcomes[index] = new TrackingOutcomeDto(eventId, TrackingOutcomes.Duplicate, shipmentId, null, "Received before; nothing was done again.");
                continue;
            }
            TryParseStatus(input.Status!, out var status);
            var update = new TrackingUpdate
            {
                Carrier = carrier,
                EventId = eventId,
                WaybillNumber = input.WaybillNumber!.Trim(),
                Status = status,
                OccurredAt = input.OccurredAt!.Value,
                Location = string.IsNullOrWhiteSpace(input.Location) ? null : input.Location.Trim(),
                Reason = string.IsNullOrWhiteSpace(input.Reason) ? null : input.Reason.Trim(),
                ReceivedAt = now,
            };
            db.TrackingUpdates.Add(update);
            if (shipments.TryGetValue(update.WaybillNumber, out var shipment))
            {
                var step = TrackingApplication.Apply(shipment, update);
                if (step.Outcome == StepOutcome.Changed)
                    ShipmentSteps.Publish(outbox, shipment, step);
                outcomes[index] = new TrackingOutcomeDto(eventId, update.Outcome, shipment.Id, shipment.Status, update.Note);
            }
            else
            {
                update.Outcome = TrackingOutcomes.Unmatched;
                update.Note = $"No shipment of {carrier} has waybill {update.WaybillNumber}.";
                outcomes[index] = new TrackingOutcomeDto(eventId, TrackingOutcomes.Unmatched, null, null, update.Note);
            }
        }
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        return new TrackingReceiptDto(events.Count,
            outcomes.Count(o => o.Outcome == TrackingOutcomes.Applied),
            outcomes.Count(o => o.Outcome == TrackingOutcomes.Recorded),
            outcomes.Count(o => o.Outcome == TrackingOutcomes.Duplicate),
            outcomes.Count(o => o.Outcome == TrackingOutcomes.Unmatched),
            outcomes);
    }

    private static async Task<Results<Ok<PagedResult<UnmatchedTrackingDto>>, ValidationProblem>> Unmatched(
        string? carrier, int? page, int? pageSize, LogisticsDbContext db, CancellationToken cancellationToken)
    {
        if (!PageRequest.TryCreate(page, pageSize, out var paging, out var problem))
            return problem!;
        var query = db.TrackingUpdates.AsNoTracking().Where(t => t.ShipmentId == null);
        if (!string.IsNullOrWhiteSpace(carrier))
        {
            var code = Carrier.NormalizeCode(carrier);
            query = query.Where(t => t.Carrier == code);
        }
        var total = await query.CountAsync(cancellationToken);
        var rows = await query.OrderByDescending(t => t.ReceivedAt).ThenByDescending(t => t.Id).Skip(paging.Skip).Take(paging.PageSize)
            .ToListAsync(cancellationToken);
        var items = rows.Select(t => new UnmatchedTrackingDto(t.Id, t.Carrier, t.EventId, t.WaybillNumber, t.Status.ToString(), t.OccurredAt,
            t.Location, t.Reason, t.ReceivedAt)).ToList();
        return TypedResults.Ok(new PagedResult<UnmatchedTrackingDto>(items, paging.Page, paging.PageSize, total));
    }
}
