using System.Globalization;
using System.Security.Claims;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Tessera.Finance.Contracts;
using Tessera.Finance.Data;
using Tessera.Finance.Domain;
using Tessera.Finance.Ledger;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Errors;
using Tessera.ServiceDefaults.Idempotency;
using Tessera.ServiceDefaults.Security;
using Tessera.ServiceDefaults.Validation;

namespace Tessera.Finance.Features;

/// <summary>
/// Supplier bills entered against a purchase order. Each is matched at once (three-way: PO price × received quantity
/// against what is billed, within the tenant's tolerance): a match is approved and posted, a mismatch is held with the
/// reasons (201 all the same — the bill is recorded). A held bill is corrected (PUT) or matched again when goods arrive.
/// </summary>
public static class Bills
{
    public static readonly decimal[] VatRates = [0m, 0.05m, 0.08m, 0.1m];

    public sealed record LineInput(int? LineNo, decimal? Quantity, decimal? UnitPrice, decimal? TaxRate);

    public sealed record Request(Guid? PurchaseOrderId, string? SupplierInvoiceNumber, DateOnly? Date, IReadOnlyList<LineInput>? Lines);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.PurchaseOrderId).NotNull();
            RuleFor(r => r.SupplierInvoiceNumber).NotEmpty().MaximumLength(50).WithMessage("supplierInvoiceNumber is the number on the supplier's invoice.");
            RuleFor(r => r.Date).NotNull().WithMessage("date is the supplier invoice's date (yyyy-MM-dd).");
            RuleFor(r => r.Lines).NotEmpty().WithMessage("A bill has at least one line.")
                .Must(l => l is null || l.Select(x => x.LineNo).Distinct().Count() == l.Count).WithMessage("Each purchase order line appears once on a bill.");
            RuleForEach(r => r.Lines).ChildRules(line =>
            {
                line.RuleFor(l => l.LineNo).NotNull().GreaterThan(0);
                line.RuleFor(l => l.Quantity).NotNull().GreaterThan(0).PrecisionScale(18, 4, ignoreTrailingZeros: true);
                line.RuleFor(l => l.UnitPrice).NotNull().GreaterThanOrEqualTo(0).PrecisionScale(20, 4, ignoreTrailingZeros: true);
                line.RuleFor(l => l.TaxRate).NotNull().Must(r => r is null || VatRates.Contains(r.Value))
                    .WithMessage("taxRate is a VAT rate: 0, 0.05, 0.08 or 0.1.");
            });
        }
    }

    public static void Map(RouteGroupBuilder api)
    {
        var bills = api.MapGroup("/bills").WithTags("Payables");
        bills.MapPost("/", Create).Validate<Request>().Posting().WithName("EnterBill")
            .WithSummary("Enter a supplier bill against a purchase order; it is matched at once: Approved (posted) or Held with the reasons. Accepts an Idempotency-Key.");
        bills.MapPut("/{id:guid}", Correct).Validate<Request>().Posting().WithName("CorrectBill")
            .WithSummary("Correct a held bill (send If-Match); it is matched again.");
        bills.MapPost("/{id:guid}/match", Match).Posting().WithName("MatchBill").WithSummary("Match a held bill again (after goods arrived).");
        bills.MapGet("/", List).Reading().WithName("ListBills").WithSummary("Bills newest first, filtered by status and purchaseOrderId; paged.");
        bills.MapGet("/{id:guid}", Get).Reading().WithName("GetBill");
    }

    private static Task<IResult> Create(Request request, [FromHeader(Name = IdempotentRequests.HeaderName)] string? idempotencyKey, ClaimsPrincipal user,
        FinanceDbContext db, LedgerBooks books, BillApproval approval, IdempotentRequests idempotency, TimeProvider clock, CancellationToken cancellationToken) =>
        idempotency.ExecuteAsync(db, "finance.bill", idempotencyKey, request, async ct =>
        {
            var ledger = await books.OpenAsync(ct);
            if (Refusal(ledger, request) is { } refused)
                return IdempotentOutcome.Refused(refused);
            var supplierNumber = request.SupplierInvoiceNumber!.Trim();
            if (await db.Bills.AnyAsync(b => b.PurchaseOrderId == request.PurchaseOrderId && b.SupplierInvoiceNumber == supplierNumber, ct))
                return IdempotentOutcome.Refused(Problems.Conflict("The bill was entered before",
                    $"Supplier invoice {supplierNumber} is already billed on this purchase order."));
            var order = await db.PurchaseOrders.AsNoTracking().FirstOrDefaultAsync(p => p.PurchaseOrderId == request.PurchaseOrderId, ct);
            var (sequence, number) = await Numbers.NextAsync(db, NumberSeries.Bill, ct);
            var bill = new Bill
            {
                Id = Guid.CreateVersion7(), Number = number, Sequence = sequence, PurchaseOrderId = request.PurchaseOrderId!.Value, SupplierId = order?.SupplierId,
                SupplierInvoiceNumber = supplierNumber, Date = request.Date!.Value, DueDate = request.Date!.Value.AddDays(ledger.SupplierTermsDays),
                Currency = order?.Currency ?? ledger.Currency, CreatedAt = clock.GetUtcNow(), CreatedBy = user.Actor(),
            };
            SetLines(bill, request);
            db.Bills.Add(bill);
            try
            {
                await approval.MatchAsync(bill, user.Actor(), ct);
            }
            catch (LedgerException error)
            {
                return IdempotentOutcome.Refused(LedgerProblems.From(error));
            }
            return IdempotentOutcome.Created($"/api/finance/bills/{bill.Id}", await ToDtoAsync(db, bill, ct));
        }, cancellationToken);

    private static Task<IResult> Correct(Guid id, Request request, HttpContext http, ClaimsPrincipal user, FinanceDbContext db, LedgerBooks books,
        BillApproval approval, CancellationToken cancellationToken) =>
        LedgerProblems.WriteAsync(db, async ct =>
        {
            var ledger = await books.OpenAsync(ct);
            var bill = await db.Bills.Include(b => b.Lines).FirstOrDefaultAsync(b => b.Id == id, ct);
            if (bill is null)
                return Problems.NotFound("Bill", id.ToString());
            if (!ETags.Matches(http.Request, bill.Version))
                return Problems.PreconditionFailed($"Bill {bill.Number} is at version {bill.Version}, not the one in If-Match. Reload it first.");
            if (bill.Status == BillStatuses.Approved)
                return Problems.Conflict("The bill is approved", $"Bill {bill.Number} is posted; it cannot change. A supplier's correction is a new bill or credit.");
            if (request.PurchaseOrderId != bill.PurchaseOrderId)
                return Problems.Validation("purchaseOrderId", "A bill stays on its purchase order; enter a new bill for another one.");
            if (Refusal(ledger, request) is { } refused)
                return refused;
            db.Set<BillLine>().RemoveRange(bill.Lines);
            await db.SaveChangesAsync(ct);
            bill.Lines = [];
            (bill.SupplierInvoiceNumber, bill.Date, bill.DueDate) = (request.SupplierInvoiceNumber!.Trim(), request.Date!.Value,
                request.Date!.Value.AddDays(ledger.SupplierTermsDays));
            SetLines(bill, request);
            await approval.MatchAsync(bill, user.Actor(), ct);
            await db.SaveChangesAsync(ct);
            ETags.Set(http.Response, bill.Version);
            return TypedResults.Ok(await ToDtoAsync(db, bill, ct));
        }, cancellationToken);

    private static Task<IResult> Match(Guid id, ClaimsPrincipal user, FinanceDbContext db, LedgerBooks books, BillApproval approval, CancellationToken cancellationToken) =>
        LedgerProblems.WriteAsync(db, async ct =>
        {
            await books.OpenAsync(ct);
            var bill = await db.Bills.Include(b => b.Lines).FirstOrDefaultAsync(b => b.Id == id, ct);
            if (bill is null)
                return Problems.NotFound("Bill", id.ToString());
            await approval.MatchAsync(bill, user.Actor(), ct);
            await db.SaveChangesAsync(ct);
            return TypedResults.Ok(await ToDtoAsync(db, bill, ct));
        }, cancellationToken);

    private static IResult? Refusal(Books ledger, Request request) =>
        ledger.LockDate is { } locked && request.Date <= locked
            ? Problems.Validation("date", $"The books are locked up to {BusinessDates.Format(locked)}; a bill dated then cannot be entered. Date it after the lock date.")
            : null;

    private static void SetLines(Bill bill, Request request)
    {
        bill.Lines = request.Lines!.Select((l, i) => new BillLine
        {
            BillId = bill.Id, LineNo = i + 1, PurchaseOrderLineNo = l.LineNo!.Value, Sku = "", Quantity = l.Quantity!.Value, UnitPrice = l.UnitPrice!.Value,
            TaxRate = l.TaxRate!.Value,
        }).ToList();
        BillApproval.Price(bill);
    }

    private static async Task<IResult> List(string? status, Guid? purchaseOrderId, int? page, int? pageSize, HttpResponse response, FinanceDbContext db,
        CancellationToken cancellationToken)
    {
        if (!PageRequest.TryCreate(page, pageSize, out var paging, out var problem))
            return problem!;
        var query = db.Bills.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(status))
            query = query.Where(b => b.Status == status);
        if (purchaseOrderId is { } order)
            query = query.Where(b => b.PurchaseOrderId == order);
        response.Headers["X-Total-Count"] = (await query.CountAsync(cancellationToken)).ToString(CultureInfo.InvariantCulture);
        var bills = await query.OrderByDescending(b => b.Sequence).Skip(paging.Skip).Take(paging.PageSize).Include(b => b.Lines).AsSplitQuery()
            .ToListAsync(cancellationToken);
        var dtos = new List<BillDto>();
        foreach (var bill in bills)
            dtos.Add(await ToDtoAsync(db, bill, cancellationToken));
        return TypedResults.Ok(dtos);
    }

    private static async Task<IResult> Get(Guid id, HttpResponse response, FinanceDbContext db, CancellationToken cancellationToken)
    {
        var bill = await db.Bills.AsNoTracking().Include(b => b.Lines).FirstOrDefaultAsync(b => b.Id == id, cancellationToken);
        if (bill is null)
            return Problems.NotFound("Bill", id.ToString());
        ETags.Set(response, bill.Version);
        return TypedResults.Ok(await ToDtoAsync(db, bill, cancellationToken));
    }

    public static async Task<BillDto> ToDtoAsync(FinanceDbContext db, Bill b, CancellationToken cancellationToken)
    {
        var order = await db.PurchaseOrders.AsNoTracking().Include(p => p.Lines).FirstOrDefaultAsync(p => p.PurchaseOrderId == b.PurchaseOrderId, cancellationToken);
        return new BillDto(b.Id, b.Number, b.PurchaseOrderId, order?.Number, b.SupplierId ?? order?.SupplierId, b.SupplierInvoiceNumber, b.Date, b.DueDate,
            b.Currency, b.Status, b.Reasons, b.Net, b.Tax, b.Total, b.Variance, b.Paid, b.Outstanding,
            b.Lines.OrderBy(l => l.LineNo).Select(l =>
            {
                var poLine = order?.Lines.FirstOrDefault(p => p.LineNo == l.PurchaseOrderLineNo);
                var billedBefore = (poLine?.BilledQuantity ?? 0) - (b.Status == BillStatuses.Approved ? l.Quantity : 0);
                return new BillLineDto(l.PurchaseOrderLineNo, poLine?.Sku ?? l.Sku, l.Quantity, l.UnitPrice, l.TaxRate, l.Net, l.Tax,
                    poLine?.UnitPrice ?? l.PurchaseOrderUnitPrice, poLine?.ReceivedQuantity ?? 0, billedBefore);
            }).ToList(),
            b.EntryId, b.Version, b.CreatedAt, b.CreatedBy);
    }
}
