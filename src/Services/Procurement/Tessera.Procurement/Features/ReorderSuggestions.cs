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

/// <summary>
/// Reorder suggestions made from inventory's StockBelowReorderPoint (Messaging/SuggestReorder): listed, and dismissed —
/// which takes the SKU off its draft purchase order (and cancels the draft when nothing is left on it).
/// </summary>
public static class ReorderSuggestions
{
    public sealed record DismissRequest(string? Reason);

    public sealed class DismissValidator : AbstractValidator<DismissRequest>
    {
        public DismissValidator() => RuleFor(r => r.Reason).MaximumLength(500);
    }

    public static void Map(RouteGroupBuilder suggestions)
    {
        suggestions.MapGet("/", List).WithName("ListReorderSuggestions")
            .WithSummary("Reorder suggestions, newest first, filtered by status (comma-separated), warehouse and SKU.");
        suggestions.MapPost("/{id:guid}/dismiss", Dismiss).Validate<DismissRequest>().RequireRoles(Roles.Purchasing).WithName("DismissReorderSuggestion")
            .WithSummary("Dismiss a suggestion: its SKU leaves the draft purchase order it was gathered into.");
    }

    private static async Task<Results<Ok<PagedResult<ReorderSuggestionDto>>, ValidationProblem>> List(
        string? status, string? warehouse, string? sku, int? page, int? pageSize, ProcurementDbContext db, CancellationToken cancellationToken)
    {
        if (!PageRequest.TryCreate(page, pageSize, out var paging, out var problem))
            return problem!;
        var query = db.ReorderSuggestions.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(status))
        {
            var statuses = new List<ReorderSuggestionStatus>();
            foreach (var part in status.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!Enum.TryParse<ReorderSuggestionStatus>(part, ignoreCase: true, out var parsed))
                    return Problems.Validation("status", $"status is one or more of {string.Join(", ", Enum.GetNames<ReorderSuggestionStatus>())}, comma-separated.");
                statuses.Add(parsed);
            }
            query = query.Where(s => statuses.Contains(s.Status));
        }
        if (!string.IsNullOrWhiteSpace(warehouse))
        {
            var code = warehouse.Trim().ToUpperInvariant();
            query = query.Where(s => s.Warehouse == code);
        }
        if (!string.IsNullOrWhiteSpace(sku))
        {
            var term = sku.Trim();
            query = query.Where(s => s.Sku.StartsWith(term));
        }
        var total = await query.CountAsync(cancellationToken);
        var rows = await query.OrderByDescending(s => s.CreatedAt).ThenByDescending(s => s.Id).Skip(paging.Skip).Take(paging.PageSize).ToListAsync(cancellationToken);
        return TypedResults.Ok(new PagedResult<ReorderSuggestionDto>(await ToDtosAsync(db, rows, cancellationToken), paging.Page, paging.PageSize, total));
    }

    private static async Task<IResult> Dismiss(Guid id, DismissRequest request, ClaimsPrincipal user, ProcurementDbContext db, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        var suggestion = await db.ReorderSuggestions.FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        if (suggestion is null)
            return Problems.NotFound("Reorder suggestion", id.ToString());
        if (suggestion.Status == ReorderSuggestionStatus.Ordered)
            return Problems.Conflict("The suggestion was already ordered",
                "Its purchase order was approved; cancel or close the purchase order instead.");
        if (suggestion.Status == ReorderSuggestionStatus.Dismissed)
            return TypedResults.Ok((await ToDtosAsync(db, [suggestion], cancellationToken))[0]);

        var now = clock.GetUtcNow();
        var reason = string.IsNullOrWhiteSpace(request.Reason) ? "Dismissed" : request.Reason.Trim();
        suggestion.Dismiss(reason, user.Actor(), now);
        if (suggestion.PurchaseOrderId is { } orderId)
        {
            var order = await PurchaseOrders.Load(db).FirstAsync(o => o.Id == orderId, cancellationToken);
            if (order.IsDraft)
            {
                var remaining = order.DraftLines().Where(l => l.Sku != suggestion.Sku).ToList();
                if (remaining.Count > 0)
                    order.SetLines(remaining, now);
                else
                    order.Cancel("Every reorder suggestion on it was dismissed", user.Actor(), now);
            }
        }
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return TypedResults.Ok((await ToDtosAsync(db, [suggestion], cancellationToken))[0]);
    }

    /// <summary>The order was approved: its suggestions are ordered.</summary>
    public static async Task MarkOrderedAsync(ProcurementDbContext db, Guid orderId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        foreach (var suggestion in await db.ReorderSuggestions.Where(s => s.PurchaseOrderId == orderId && s.Status == ReorderSuggestionStatus.Open).ToListAsync(cancellationToken))
            (suggestion.Status, suggestion.UpdatedAt) = (ReorderSuggestionStatus.Ordered, now);
    }

    /// <summary>The order was cancelled: its open suggestions are dismissed with that reason.</summary>
    public static async Task DismissForOrderAsync(ProcurementDbContext db, Guid orderId, string reason, string by, DateTimeOffset now, CancellationToken cancellationToken)
    {
        foreach (var suggestion in await db.ReorderSuggestions.Where(s => s.PurchaseOrderId == orderId && s.Status == ReorderSuggestionStatus.Open).ToListAsync(cancellationToken))
            suggestion.Dismiss(reason, by, now);
    }

    /// <summary>A buyer took SKUs off a draft: the suggestions that put them there are dismissed.</summary>
    public static async Task DetachRemovedAsync(ProcurementDbContext db, PurchaseOrder order, string reason, string by, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var skus = order.Lines.Select(l => l.Sku).ToHashSet(StringComparer.Ordinal);
        foreach (var suggestion in await db.ReorderSuggestions.Where(s => s.PurchaseOrderId == order.Id && s.Status == ReorderSuggestionStatus.Open).ToListAsync(cancellationToken))
            if (!skus.Contains(suggestion.Sku))
                suggestion.Dismiss(reason, by, now);
    }

    public static async Task<List<ReorderSuggestionDto>> ToDtosAsync(ProcurementDbContext db, IReadOnlyList<ReorderSuggestion> rows, CancellationToken cancellationToken)
    {
        var supplierIds = rows.Where(r => r.SupplierId is not null).Select(r => r.SupplierId!.Value).Distinct().ToList();
        var orderIds = rows.Where(r => r.PurchaseOrderId is not null).Select(r => r.PurchaseOrderId!.Value).Distinct().ToList();
        var suppliers = await db.Suppliers.AsNoTracking().Where(s => supplierIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.Name, cancellationToken);
        var orders = await db.PurchaseOrders.AsNoTracking().Where(o => orderIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Number, cancellationToken);
        return rows.Select(s => new ReorderSuggestionDto(s.Id, s.Sku, s.Warehouse, s.SuggestedQuantity, s.Available, s.ReorderPoint, s.ReorderQuantity, s.Status,
            s.SupplierId, s.SupplierId is { } sid ? suppliers.GetValueOrDefault(sid) : null,
            s.PurchaseOrderId, s.PurchaseOrderId is { } oid ? orders.GetValueOrDefault(oid) : null,
            s.UnitPrice, s.Currency, s.DismissReason, s.CreatedAt, s.UpdatedAt)).ToList();
    }
}
