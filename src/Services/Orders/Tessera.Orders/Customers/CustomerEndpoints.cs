using System.Security.Claims;
using System.Text.RegularExpressions;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Tessera.Orders.Archive;
using Tessera.Orders.Contracts;
using Tessera.Orders.Data;
using Tessera.Orders.Domain;
using Tessera.Orders.Features;
using Tessera.Orders.Search;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Errors;
using Tessera.ServiceDefaults.Idempotency;
using Tessera.ServiceDefaults.Security;
using Tessera.ServiceDefaults.Tenancy;
using Tessera.ServiceDefaults.Validation;

namespace Tessera.Orders.Customers;

/// <summary>
/// The customer master: create, read, edit (If-Match), find by name, phone, e-mail or reference (keyed hashes, never the
/// values), merge duplicates, and each customer's order history with its lifetime value.
/// </summary>
public static partial class CustomerEndpoints
{
    public sealed record AddressEntry(string? Label, string? Consignee, string? Phone, AddressInput Address);

    public sealed record Request(string Name, string? Phone, string? Email, string? Reference, string? Notes, IReadOnlyList<AddressEntry>? Addresses);

    public sealed record MergeRequest(IReadOnlyList<Guid> Duplicates);

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.Name).NotEmpty().MaximumLength(200);
            RuleFor(r => r.Phone).MaximumLength(30).Must(p => p is null || p.Count(char.IsAsciiDigit) >= 6).WithMessage("phone needs at least 6 digits.");
            RuleFor(r => r.Email).MaximumLength(200).EmailAddress().When(r => r.Email is { Length: > 0 });
            RuleFor(r => r.Reference).MaximumLength(100);
            RuleFor(r => r.Notes).MaximumLength(2000);
            RuleFor(r => r.Addresses).Must(a => a is null || a.Count <= 20).WithMessage("A customer has at most 20 addresses.");
            RuleForEach(r => r.Addresses).ChildRules(a =>
            {
                a.RuleFor(x => x.Label).MaximumLength(50);
                a.RuleFor(x => x.Consignee).MaximumLength(200);
                a.RuleFor(x => x.Phone).MaximumLength(30);
                a.RuleFor(x => x.Address).NotNull().SetValidator(new ShippingValidator.AddressValidator());
            });
        }
    }

    public sealed class MergeValidator : AbstractValidator<MergeRequest>
    {
        public MergeValidator() =>
            RuleFor(r => r.Duplicates).NotEmpty().WithMessage("Name at least one duplicate to merge.")
                .Must(d => d is null || d.Count <= 50).WithMessage("At most 50 duplicates at a time.");
    }

    public static void Map(RouteGroupBuilder orders)
    {
        var customers = orders.MapGroup("/customers").WithTags("Customers");
        customers.MapPost("/", Create).Validate<Request>().RequireRoles(Roles.Sales).WithName("CreateCustomer")
            .WithSummary("Create a customer. Send an Idempotency-Key so that a retry never creates a second one.")
            .Produces<CustomerDetailsDto>(StatusCodes.Status201Created);
        customers.MapGet("/", Search).WithName("SearchCustomers")
            .WithSummary("Customers, newest first: q finds by number (#12), e-mail, phone, or the whole words of a name (diacritics optional); " +
                         "phone, email and reference look up exactly. Merged duplicates lead to the customer they were merged into.");
        customers.MapGet("/{id:guid}", Get).WithName("GetCustomer").WithSummary("A customer with its addresses, order count and lifetime value, with its ETag.");
        customers.MapPut("/{id:guid}", Update).Validate<Request>().RequireRoles(Roles.Sales).WithName("UpdateCustomer")
            .WithSummary("Change a customer: send If-Match with the ETag you read. The address book is replaced as sent.");
        customers.MapPost("/{id:guid}/merge", Merge).Validate<MergeRequest>().RequireRoles(Roles.Sales).WithName("MergeCustomers")
            .WithSummary("Merge duplicates into this customer: their orders join its history, their addresses its address book.");
        customers.MapGet("/{id:guid}/orders", Orders).WithName("CustomerOrders")
            .WithSummary("The customer's orders (merged duplicates' and archived ones included), newest first; after: the cursor of the previous page.");
    }

    private static async Task<IResult> Create(
        Request request, [FromHeader(Name = IdempotentRequests.HeaderName)] string? idempotencyKey, OrdersDbContext db, ITenantContext tenant,
        CustomerPrivacy privacy, CustomerDirectory directory, IdempotentRequests idempotency, TimeProvider clock, CancellationToken cancellationToken) =>
        await idempotency.ExecuteAsync(db, "orders.customers.create", idempotencyKey, request, async ct =>
        {
            var now = clock.GetUtcNow();
            var customer = new Customer
            {
                Id = Guid.CreateVersion7(), TenantId = tenant.TenantId!, Number = await directory.NextNumberAsync(ct),
                Reference = Blank(request.Reference), CreatedAt = now, UpdatedAt = now, Version = 1,
            };
            privacy.Protect(customer, request.Name, request.Phone, request.Email, request.Notes, Addresses(request));
            db.Customers.Add(customer);
            directory.AddNameTokens(customer, request.Name);
            return IdempotentOutcome.Created($"/api/orders/customers/{customer.Id}", privacy.Reveal(customer));
        }, cancellationToken);

    private static async Task<Results<Ok<CustomerDetailsDto>, ProblemHttpResult>> Get(
        Guid id, HttpResponse response, OrdersDbContext db, CustomerPrivacy privacy, CustomerDirectory directory, CancellationToken cancellationToken)
    {
        var customer = await db.Customers.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (customer is null)
            return Problems.NotFound("Customer", id.ToString());
        ETags.Set(response, customer.Version);
        var stats = await directory.StatsAsync([customer.Id], cancellationToken);
        return TypedResults.Ok(privacy.Reveal(customer, stats[customer.Id]));
    }

    private static async Task<Results<Ok<PagedResult<CustomerDetailsDto>>, ValidationProblem>> Search(
        string? q, string? phone, string? email, string? reference, int? page, int? pageSize, OrdersDbContext db, ITenantContext tenant,
        CustomerPrivacy privacy, CustomerDirectory directory, CancellationToken cancellationToken)
    {
        if (!PageRequest.TryCreate(page, pageSize, out var paging, out var problem))
            return problem!;
        var tenantId = tenant.TenantId!;
        var query = db.Customers.AsNoTracking();
        var exact = false;
        if (Blank(phone) is { } p)
            (query, exact) = (query.Where(c => c.PhoneIndex == privacy.PhoneIndex(p, tenantId)), true);
        if (Blank(email) is { } e)
            (query, exact) = (query.Where(c => c.EmailIndex == privacy.EmailIndex(e, tenantId)), true);
        if (Blank(reference) is { } r)
            (query, exact) = (query.Where(c => c.Reference == r), true);
        if (Blank(q) is { } text)
        {
            if (NumberPattern().Match(text) is { Success: true } number)
                (query, exact) = (query.Where(c => c.Number == long.Parse(number.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)), true);
            else if (text.Contains('@'))
                (query, exact) = (query.Where(c => c.EmailIndex == privacy.EmailIndex(text, tenantId)), true);
            else if (text.Count(char.IsAsciiDigit) >= 6 && text.All(ch => char.IsAsciiDigit(ch) || ch is ' ' or '+' or '-' or '.' or '(' or ')'))
                (query, exact) = (query.Where(c => c.PhoneIndex == privacy.PhoneIndex(text, tenantId)), true);
            else
            {
                var tokens = privacy.NameTokens(text, tenantId);
                if (tokens.Count == 0)
                    return Problems.Validation("q", "Search by a name, a phone number, an e-mail address or a customer number (#12).");
                foreach (var token in tokens)
                    query = query.Where(c => db.CustomerNameTokens.Any(t => t.CustomerId == c.Id && t.Token == token));
            }
        }

        List<Customer> found;
        int total;
        if (exact)
        {
            // An exact lookup may land on a merged duplicate: the answer is the customer it was merged into.
            var hits = await query.ToListAsync(cancellationToken);
            var survivorIds = hits.Select(c => c.MergedInto ?? c.Id).Distinct().ToList();
            var all = await db.Customers.AsNoTracking().Where(c => survivorIds.Contains(c.Id)).OrderByDescending(c => c.Number).ToListAsync(cancellationToken);
            total = all.Count;
            found = all.Skip(paging.Skip).Take(paging.PageSize).ToList();
        }
        else
        {
            query = query.Where(c => c.MergedInto == null);
            total = await query.CountAsync(cancellationToken);
            found = await query.OrderByDescending(c => c.Number).Skip(paging.Skip).Take(paging.PageSize).ToListAsync(cancellationToken);
        }
        var stats = await directory.StatsAsync(found.Select(c => c.Id).ToList(), cancellationToken);
        return TypedResults.Ok(new PagedResult<CustomerDetailsDto>(found.Select(c => privacy.Reveal(c, stats[c.Id])).ToList(), paging.Page, paging.PageSize, total));
    }

    private static async Task<Results<Ok<CustomerDetailsDto>, ProblemHttpResult>> Update(
        Guid id, Request request, HttpContext http, OrdersDbContext db, CustomerPrivacy privacy, CustomerDirectory directory, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(http.Request.Headers.IfMatch))
            return TypedResults.Problem(statusCode: StatusCodes.Status428PreconditionRequired, title: "If-Match is required",
                detail: "Read the customer first and send its ETag in If-Match, so that a change made meanwhile by someone else is not overwritten.");
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        var customer = await db.Customers.FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (customer is null)
            return Problems.NotFound("Customer", id.ToString());
        if (!ETags.Matches(http.Request, customer.Version))
            return Problems.PreconditionFailed($"Customer {customer.Number} is at version {customer.Version}, not the one in If-Match. Reload it and apply your change again.");
        if (customer.MergedInto is not null)
            return Problems.Conflict("The customer was merged", $"Customer {customer.Number} was merged into another customer; change that one instead.");
        privacy.Protect(customer, request.Name, request.Phone, request.Email, request.Notes, Addresses(request));
        customer.Reference = Blank(request.Reference);
        customer.UpdatedAt = clock.GetUtcNow();
        await directory.ReplaceNameTokensAsync(customer, request.Name, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        http.Response.Headers.ETag = ETags.For(customer.Version);
        var stats = await directory.StatsAsync([customer.Id], cancellationToken);
        return TypedResults.Ok(privacy.Reveal(customer, stats[customer.Id]));
    }

    private static async Task<Results<Ok<CustomerDetailsDto>, ProblemHttpResult, ValidationProblem>> Merge(
        Guid id, MergeRequest request, HttpContext http, OrdersDbContext db, CustomerPrivacy privacy, CustomerDirectory directory, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        var survivor = await db.Customers.FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (survivor is null)
            return Problems.NotFound("Customer", id.ToString());
        if (!ETags.Matches(http.Request, survivor.Version))
            return Problems.PreconditionFailed($"Customer {survivor.Number} is at version {survivor.Version}, not the one in If-Match.");
        if (survivor.MergedInto is not null)
            return Problems.Conflict("The customer was merged", $"Customer {survivor.Number} was itself merged into another customer; merge into that one.");
        var wanted = request.Duplicates.Distinct().ToList();
        if (wanted.Contains(id))
            return Problems.Validation("duplicates", "A customer cannot be merged into itself.");
        var duplicates = await db.Customers.Where(c => wanted.Contains(c.Id)).ToListAsync(cancellationToken);
        var missing = wanted.Except(duplicates.Select(d => d.Id)).ToList();
        if (missing.Count > 0)
            return Problems.Validation("duplicates", $"No such customer: {string.Join(", ", missing)}.");

        var now = clock.GetUtcNow();
        var book = privacy.Addresses(survivor).ToList();
        foreach (var duplicate in duplicates.Where(d => d.MergedInto != survivor.Id))
        {
            foreach (var address in privacy.Addresses(duplicate).Where(a => !book.Contains(a)))
                book.Add(address);
            duplicate.MergedInto = survivor.Id;
            duplicate.UpdatedAt = now;
            // What was merged into the duplicate now belongs to the survivor: the chain stays one step long.
            await db.Customers.Where(c => c.MergedInto == duplicate.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.MergedInto, survivor.Id).SetProperty(c => c.UpdatedAt, now), cancellationToken);
        }
        var revealed = privacy.Reveal(survivor);
        // A contact the survivor lacks is taken from the first duplicate that has it.
        var others = duplicates.Select(d => privacy.Reveal(d)).ToList();
        var phone = revealed.Phone ?? others.FirstOrDefault(d => d.Phone is not null)?.Phone;
        var email = revealed.Email ?? others.FirstOrDefault(d => d.Email is not null)?.Email;
        privacy.Protect(survivor, revealed.Name, phone, email, revealed.Notes, book.Take(20).ToList());
        survivor.Reference ??= duplicates.Select(d => d.Reference).FirstOrDefault(r => r is not null);
        survivor.UpdatedAt = now;
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        http.Response.Headers.ETag = ETags.For(survivor.Version);
        var stats = await directory.StatsAsync([survivor.Id], cancellationToken);
        return TypedResults.Ok(privacy.Reveal(survivor, stats[survivor.Id]));
    }

    private static async Task<Results<Ok<OrderSearchPageDto>, ProblemHttpResult, ValidationProblem>> Orders(
        Guid id, string? after, int? limit, OrdersDbContext db, OrderArchive archive, ITenantContext tenant, CustomerDirectory directory,
        CancellationToken cancellationToken)
    {
        var customer = await db.Customers.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (customer is null)
            return Problems.NotFound("Customer", id.ToString());
        var size = limit ?? 50;
        if (size is < 1 or > SearchOrders.MaxLimit)
            return Problems.Validation("limit", $"limit is between 1 and {SearchOrders.MaxLimit}.");
        var cursor = SearchCursor.Decode(after);
        if (!string.IsNullOrEmpty(after) && cursor is null)
            return Problems.Validation("after", "The cursor is not valid; start again from the first page.");
        var ids = await directory.IdsOfAsync(customer.MergedInto ?? customer.Id, cancellationToken);
        var criteria = new SearchCriteria(tenant.TenantId!, null, null, [], null, null, null, null, null, [], null, null, SearchSort.PlacedAtDescending, size)
        {
            Customers = ids,
        };
        return TypedResults.Ok(await SearchOrders.RunAsync(db, archive, criteria, cursor, includeArchived: true, cancellationToken));
    }

    private static List<CustomerAddressDto> Addresses(Request request) => (request.Addresses ?? [])
        .Select(a => new CustomerAddressDto(Blank(a.Label), Blank(a.Consignee), Blank(a.Phone), new AddressDto(Blank(a.Address.Line1), Blank(a.Address.Line2),
            Blank(a.Address.Ward), Blank(a.Address.District), Blank(a.Address.City), Blank(a.Address.Province), Blank(a.Address.PostalCode),
            a.Address.Country.Trim().ToUpperInvariant())))
        .ToList();

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    [GeneratedRegex(@"^#(\d{1,18})$")]
    private static partial Regex NumberPattern();
}
