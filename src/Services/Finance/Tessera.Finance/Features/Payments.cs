using System.Globalization;
using System.Security.Claims;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Tessera.Finance.Contracts;
using Tessera.Finance.Data;
using Tessera.Finance.Domain;
using Tessera.Finance.Ledger;
using Tessera.Messaging.Outbox;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Errors;
using Tessera.ServiceDefaults.Idempotency;
using Tessera.ServiceDefaults.Security;
using Tessera.ServiceDefaults.Validation;

namespace Tessera.Finance.Features;

/// <summary>
/// Money in and out: customer payments and carriers' COD remittances (net of the carrier's fee) against invoices,
/// supplier payments against approved bills. A payment may settle several documents, part of one, or stay partly on
/// account until it is allocated later; every allocation is a line on the receivable or payable account under the
/// document it settles, which is what keeps the sub-ledgers equal to 131 and 331 (I7).
/// </summary>
public static class Payments
{
    public sealed record AllocationInput(Guid? DocumentId, decimal? Amount);

    public sealed record Request(string? Kind, decimal? Amount, DateOnly? Date, string? Method, IReadOnlyList<AllocationInput>? Allocations, decimal? Fee,
        string? Reference);

    public sealed record AllocateRequest(DateOnly? Date, IReadOnlyList<AllocationInput>? Allocations);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Kind).NotEmpty().Must(k => k is PaymentKinds.Customer or PaymentKinds.Supplier).WithMessage("kind is customer or supplier.");
            RuleFor(r => r.Amount).NotNull().GreaterThan(0).PrecisionScale(20, JournalRules.Decimals, ignoreTrailingZeros: true);
            RuleFor(r => r.Date).NotNull().WithMessage("date is the day the money moved (yyyy-MM-dd).");
            RuleFor(r => r.Method).NotEmpty().Must(m => PaymentMethods.All.Contains(m!)).WithMessage($"method is one of {string.Join(", ", PaymentMethods.All)}.");
            RuleFor(r => r.Method).Must(m => m != PaymentMethods.Cod).When(r => r.Kind == PaymentKinds.Supplier).WithMessage("A supplier is not paid cash on delivery.");
            RuleFor(r => r.Fee).GreaterThanOrEqualTo(0).LessThan(r => r.Amount ?? 0).When(r => r.Fee is not null)
                .WithMessage("fee is what a carrier kept of a COD remittance: at least 0 and less than the amount.");
            RuleFor(r => r.Fee).Must(f => f is null or 0).When(r => r.Kind == PaymentKinds.Supplier).WithMessage("Supplier payments have no fee.");
            RuleFor(r => r.Reference).MaximumLength(100);
            RuleFor(r => r.Allocations).NotNull().WithMessage("allocations lists the documents the payment settles (empty: all on account).");
            RuleForEach(r => r.Allocations).ChildRules(a =>
            {
                a.RuleFor(x => x.DocumentId).NotNull();
                a.RuleFor(x => x.Amount).NotNull().GreaterThan(0).PrecisionScale(20, JournalRules.Decimals, ignoreTrailingZeros: true);
            });
            RuleFor(r => r.Allocations).Must(a => a is null || a.Select(x => x.DocumentId).Distinct().Count() == a.Count)
                .WithMessage("Each document appears once in a payment's allocations.");
            RuleFor(r => r.Allocations).Must((r, a) => a is null || a.Sum(x => x.Amount ?? 0) <= (r.Amount ?? 0))
                .WithMessage("The allocations add up to more than the payment's amount.");
        }
    }

    public sealed class AllocateValidator : AbstractValidator<AllocateRequest>
    {
        public AllocateValidator()
        {
            RuleFor(r => r.Allocations).NotEmpty();
            RuleForEach(r => r.Allocations).ChildRules(a =>
            {
                a.RuleFor(x => x.DocumentId).NotNull();
                a.RuleFor(x => x.Amount).NotNull().GreaterThan(0);
            });
        }
    }

    public static void Map(RouteGroupBuilder api)
    {
        var payments = api.MapGroup("/payments").WithTags("Payments");
        payments.MapPost("/", Record).Validate<Request>().Posting().WithName("RecordPayment")
            .WithSummary("Record a customer payment (bank, cash or cod with the carrier's fee) or a supplier payment, allocated to invoices or bills. Accepts an Idempotency-Key.");
        payments.MapGet("/", List).Reading().WithName("ListPayments").WithSummary("Payments newest first, filtered by kind and documentId; paged.");
        payments.MapGet("/{id:guid}", Get).Reading().WithName("GetPayment");
        payments.MapPost("/{id:guid}/allocations", Allocate).Validate<AllocateRequest>().Posting().WithName("AllocatePayment")
            .WithSummary("Apply what a payment left on account to invoices (customer) or bills (supplier).");
    }

    private static Task<IResult> Record(Request request, [FromHeader(Name = IdempotentRequests.HeaderName)] string? idempotencyKey, ClaimsPrincipal user,
        FinanceDbContext db, LedgerBooks books, RulePoster rules, IOutbox outbox, IdempotentRequests idempotency, TimeProvider clock,
        CancellationToken cancellationToken) =>
        idempotency.ExecuteAsync(db, "finance.payment", idempotencyKey, request, async ct =>
        {
            var ledger = await books.OpenAsync(ct);
            var customer = request.Kind == PaymentKinds.Customer;
            var allocations = request.Allocations!;
            var (documents, errors) = await DocumentsAsync(db, customer, allocations, "allocations", ct);
            if (errors.Count > 0)
                return IdempotentOutcome.Refused(Problems.Validation(errors));
            if (ledger.LockDate is { } locked && request.Date <= locked)
                return IdempotentOutcome.Refused(Problems.Validation("date",
                    $"The books are locked up to {BusinessDates.Format(locked)}; a payment is dated after the lock date."));

            var (sequence, number) = await Numbers.NextAsync(db, customer ? NumberSeries.CustomerPayment : NumberSeries.SupplierPayment, ct);
            var payment = new Payment
            {
                Id = Guid.CreateVersion7(), Number = number, Sequence = sequence, Kind = request.Kind!, Date = request.Date!.Value, Method = request.Method!,
                Currency = ledger.Currency, Amount = request.Amount!.Value, Fee = request.Fee ?? 0, Reference = request.Reference?.Trim(),
                RecordedAt = clock.GetUtcNow(), RecordedBy = user.Actor(),
            };
            var posting = (customer, request.Method == PaymentMethods.Cash) switch
            {
                (true, false) => PostingEvents.CustomerPayment,
                (true, true) => PostingEvents.CustomerPaymentCash,
                (false, false) => PostingEvents.SupplierPayment,
                (false, true) => PostingEvents.SupplierPaymentCash,
            };
            var fields = new Dictionary<string, decimal> { ["amount"] = payment.Amount };
            if (customer)
                fields["fee"] = payment.Fee;
            try
            {
                var posted = await rules.PostAsync(new PostingRequest(posting, payment.RecordedAt, "payment", payment.Id.ToString(),
                        Describe(payment, request.Method!), fields,
                        new Dictionary<string, Dimensions> { [PostingEvents.DefaultDimension] = new(null, payment.Id.ToString()) },
                        allocations.Select(a => (a.DocumentId!.Value.ToString(), a.Amount!.Value)).ToList(), payment.Id.ToString(), payment.Date),
                    user.Actor(), ct) ?? throw new InvalidOperationException($"Payment {number} was already posted.");
                payment.EntryId = posted.Id;
            }
            catch (LedgerException error)
            {
                return IdempotentOutcome.Refused(LedgerProblems.From(error));
            }
            Apply(payment, allocations, documents, payment.Date, payment.EntryId);
            db.Payments.Add(payment);
            outbox.Publish(Recorded(payment, documents), payment.Id.ToString());
            return IdempotentOutcome.Created($"/api/finance/payments/{payment.Id}", ToDto(payment));
        }, cancellationToken);

    private static Task<IResult> Allocate(Guid id, AllocateRequest request, ClaimsPrincipal user, FinanceDbContext db, LedgerBooks books, JournalWriter journal,
        TimeProvider clock, CancellationToken cancellationToken) =>
        LedgerProblems.WriteAsync(db, async ct =>
        {
            var ledger = await books.OpenAsync(ct);
            var payment = await db.Payments.Include(p => p.Allocations).FirstOrDefaultAsync(p => p.Id == id, ct);
            if (payment is null)
                return Problems.NotFound("Payment", id.ToString());
            var customer = payment.Kind == PaymentKinds.Customer;
            var allocations = request.Allocations!;
            if (allocations.Sum(a => a.Amount!.Value) > payment.Unallocated)
                return Problems.Validation("allocations", string.Create(CultureInfo.InvariantCulture,
                    $"Payment {payment.Number} has {payment.Unallocated:0.####} on account; the allocations add up to {allocations.Sum(a => a.Amount!.Value):0.####}."));
            var (documents, errors) = await DocumentsAsync(db, customer, allocations, "allocations", ct);
            if (errors.Count > 0)
                return Problems.Validation(errors);
            // The control account the payment's remainder was posted to, under the payment's own id.
            var controls = await SubLedgers.AccountsAsync(db, customer ? AccountRoles.Receivable : AccountRoles.Payable, ct);
            var control = await db.Lines.AsNoTracking().Where(l => l.EntryId == payment.EntryId && l.Document == payment.Id.ToString() && controls.Contains(l.Account))
                .Select(l => l.Account).FirstOrDefaultAsync(ct);
            if (control is null)
                return Problems.Conflict("Nothing of this payment is on account", $"Payment {payment.Number} was allocated in full when it was recorded.");
            var date = request.Date ?? BusinessDates.Of(clock.GetUtcNow(), ledger.TimeZone);
            var lines = new List<DraftLine>();
            foreach (var allocation in allocations)
            {
                var (document, amount) = (allocation.DocumentId!.Value.ToString(), allocation.Amount!.Value);
                lines.Add(customer ? new DraftLine(control, amount, 0, null, payment.Id.ToString()) : new DraftLine(control, 0, amount, null, payment.Id.ToString()));
                lines.Add(customer ? new DraftLine(control, 0, amount, null, document) : new DraftLine(control, amount, 0, null, document));
            }
            var posted = await journal.PostAsync(new EntryDraft(date, EntryKinds.Allocation,
                $"Payment {payment.Number} applied to {string.Join(", ", documents.Values.Select(d => d.Number))}", lines, "payment", payment.Id.ToString()),
                user.Actor(), LateEntries.Refuse, ct);
            Apply(payment, allocations, documents, posted.Date, posted.Id);
            return TypedResults.Ok(ToDto(payment));
        }, cancellationToken);

    private sealed record Document(Guid Id, string Type, string Number, Guid? OrderId, Invoice? Invoice, Bill? Bill);

    /// <summary>The documents allocations name, tracked for update; a document that is unknown, of the wrong kind or already settled is a field error.</summary>
    private static async Task<(Dictionary<Guid, Document> Documents, Dictionary<string, string[]> Errors)> DocumentsAsync(FinanceDbContext db, bool customer,
        IReadOnlyList<AllocationInput> allocations, string field, CancellationToken cancellationToken)
    {
        var ids = allocations.Select(a => a.DocumentId!.Value).ToList();
        var documents = new Dictionary<Guid, Document>();
        if (customer)
            foreach (var invoice in await db.Invoices.Where(i => ids.Contains(i.Id)).ToListAsync(cancellationToken))
                documents[invoice.Id] = new Document(invoice.Id, DocumentTypes.Invoice, invoice.Number, invoice.OrderId, invoice, null);
        else
            foreach (var bill in await db.Bills.Where(b => ids.Contains(b.Id)).ToListAsync(cancellationToken))
                documents[bill.Id] = new Document(bill.Id, DocumentTypes.Bill, bill.Number, null, null, bill);
        var errors = new Dictionary<string, string[]>();
        for (var i = 0; i < allocations.Count; i++)
        {
            var allocation = allocations[i];
            var key = $"{field}[{i}].documentId";
            if (!documents.TryGetValue(allocation.DocumentId!.Value, out var document))
            {
                errors[key] = [customer ? $"No invoice {allocation.DocumentId} exists." : $"No bill {allocation.DocumentId} exists."];
                continue;
            }
            if (document.Bill is { Status: not BillStatuses.Approved })
            {
                errors[key] = [$"Bill {document.Number} is held: {string.Join(" ", document.Bill.Reasons)} It is paid once it is approved."];
                continue;
            }
            var outstanding = document.Invoice?.Outstanding ?? document.Bill!.Outstanding;
            if (allocation.Amount > outstanding)
                errors[$"{field}[{i}].amount"] = [string.Create(CultureInfo.InvariantCulture,
                    $"{document.Number} has {outstanding:0.####} outstanding; {allocation.Amount:0.####} is more than that.")];
        }
        return (documents, errors);
    }

    private static void Apply(Payment payment, IReadOnlyList<AllocationInput> allocations, IReadOnlyDictionary<Guid, Document> documents, DateOnly date, Guid entryId)
    {
        foreach (var allocation in allocations)
        {
            var document = documents[allocation.DocumentId!.Value];
            var amount = allocation.Amount!.Value;
            if (document.Invoice is { } invoice)
                invoice.Paid += amount;
            if (document.Bill is { } bill)
                bill.Paid += amount;
            payment.Allocations.Add(new PaymentAllocation
            {
                PaymentId = payment.Id, LineNo = payment.Allocations.Count + 1, DocumentId = document.Id, DocumentType = document.Type,
                DocumentNumber = document.Number, Amount = amount, Date = date, EntryId = entryId,
            });
            payment.Allocated += amount;
        }
    }

    private static string Describe(Payment payment, string method) => (payment.Kind, method) switch
    {
        (PaymentKinds.Customer, PaymentMethods.Cod) => $"COD remittance {payment.Number}" + (payment.Reference is null ? "" : $" ({payment.Reference})"),
        (PaymentKinds.Customer, _) => $"Customer payment {payment.Number}" + (payment.Reference is null ? "" : $" ({payment.Reference})"),
        _ => $"Supplier payment {payment.Number}" + (payment.Reference is null ? "" : $" ({payment.Reference})"),
    };

    private static async Task<IResult> List(string? kind, Guid? documentId, int? page, int? pageSize, HttpResponse response, FinanceDbContext db,
        CancellationToken cancellationToken)
    {
        if (!PageRequest.TryCreate(page, pageSize, out var paging, out var problem))
            return problem!;
        var query = db.Payments.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(kind))
            query = query.Where(p => p.Kind == kind);
        if (documentId is { } document)
            query = query.Where(p => p.Allocations.Any(a => a.DocumentId == document));
        response.Headers["X-Total-Count"] = (await query.CountAsync(cancellationToken)).ToString(CultureInfo.InvariantCulture);
        var payments = await query.OrderByDescending(p => p.RecordedAt).Skip(paging.Skip).Take(paging.PageSize).Include(p => p.Allocations).AsSplitQuery()
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(payments.Select(ToDto).ToList());
    }

    private static async Task<IResult> Get(Guid id, FinanceDbContext db, CancellationToken cancellationToken)
    {
        var payment = await db.Payments.AsNoTracking().Include(p => p.Allocations).FirstOrDefaultAsync(p => p.Id == id, cancellationToken);
        return payment is null ? Problems.NotFound("Payment", id.ToString()) : TypedResults.Ok(ToDto(payment));
    }

    private static PaymentRecorded Recorded(Payment p, IReadOnlyDictionary<Guid, Document> documents) => new(p.Id, p.Number, p.Kind, p.Date, p.Method,
        p.Currency, p.Amount, p.Fee, p.Unallocated,
        p.Allocations.Select(a => new AllocatedLine(a.DocumentId, a.DocumentType, a.DocumentNumber, documents.GetValueOrDefault(a.DocumentId)?.OrderId, a.Amount))
            .ToList(), p.RecordedAt);

    public static PaymentDto ToDto(Payment p) => new(p.Id, p.Number, p.Kind, p.Date, p.Method, p.Currency, p.Amount, p.Fee, p.Allocated, p.Unallocated, p.Reference,
        p.Allocations.OrderBy(a => a.LineNo).Select(a => new PaymentAllocationDto(a.DocumentId, a.DocumentType, a.DocumentNumber, a.Amount, a.Date)).ToList(),
        p.EntryId, p.RecordedAt, p.RecordedBy);
}
