using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Tessera.Finance.Contracts;
using Tessera.Finance.Data;
using Tessera.Finance.Domain;
using Tessera.Finance.Ledger;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Errors;
using Tessera.ServiceDefaults.Validation;

namespace Tessera.Finance.Features;

/// <summary>
/// The tenant's chart of accounts: the template's accounts plus the tenant's own sub-accounts (which take their
/// parent's type, side, statement line and role). Names change freely; an account with postings keeps its type and
/// cannot be deleted; an account a posting rule in force uses, or with a balance, cannot be deactivated.
/// </summary>
public static class Accounts
{
    public sealed record CreateRequest(string? Code, string? Parent, string? Name, string? NameVi);

    public sealed record UpdateRequest(string? Name, string? NameVi, bool? Active, string? Type);

    public sealed class CreateValidator : AbstractValidator<CreateRequest>
    {
        public CreateValidator()
        {
            RuleFor(r => r.Code).NotEmpty().MaximumLength(20).Matches("^[0-9A-Za-z]+$").WithMessage("code is letters and digits, up to 20.");
            RuleFor(r => r.Parent).NotEmpty().WithMessage("Name the parent account: a tenant adds sub-accounts to the chart.");
            RuleFor(r => r.Name).NotEmpty().MaximumLength(200);
            RuleFor(r => r.NameVi).NotEmpty().MaximumLength(200);
        }
    }

    public sealed class UpdateValidator : AbstractValidator<UpdateRequest>
    {
        public UpdateValidator()
        {
            RuleFor(r => r.Name).MaximumLength(200).Must(n => n is null || n.Trim().Length > 0).WithMessage("name cannot be empty.");
            RuleFor(r => r.NameVi).MaximumLength(200).Must(n => n is null || n.Trim().Length > 0).WithMessage("nameVi cannot be empty.");
            RuleFor(r => r.Type).Must(t => t is null || AccountTypes.All.Contains(t)).WithMessage($"type is one of {string.Join(", ", AccountTypes.All)}.");
        }
    }

    public static void Map(RouteGroupBuilder api)
    {
        var accounts = api.MapGroup("/accounts").WithTags("Chart of accounts");
        accounts.MapGet("/", List).Reading().WithName("ListAccounts")
            .WithSummary("The chart of accounts: [{code, name, nameVi, type, active, …}], filtered by type, active and q (code prefix or name).");
        accounts.MapGet("/{code}", Get).Reading().WithName("GetAccount");
        accounts.MapPost("/", Create).Validate<CreateRequest>().Posting().WithName("CreateAccount")
            .WithSummary("Add a sub-account under a parent; it takes the parent's type, side, statement line and role.");
        accounts.MapPut("/{code}", Update).Validate<UpdateRequest>().Posting().WithName("UpdateAccount")
            .WithSummary("Rename, deactivate or reactivate an account; change its type only while it has no postings. Send If-Match.");
        accounts.MapDelete("/{code}", Delete).Posting().WithName("DeleteAccount").WithSummary("Delete a tenant's own account that has never been posted to.");
    }

    private static async Task<IResult> List(string? type, bool? active, string? q, LedgerBooks books, FinanceDbContext db, CancellationToken cancellationToken)
    {
        await books.ForReadAsync(cancellationToken);
        var query = db.Accounts.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(type))
            query = query.Where(a => a.Type == type);
        if (active is bool isActive)
            query = query.Where(a => a.Active == isActive);
        var accounts = await query.ToListAsync(cancellationToken);
        if (!string.IsNullOrWhiteSpace(q))
        {
            var term = q.Trim();
            accounts = accounts.Where(a => a.Code.StartsWith(term, StringComparison.OrdinalIgnoreCase) || a.Name.Contains(term, StringComparison.OrdinalIgnoreCase)
                                           || a.NameVi.Contains(term, StringComparison.OrdinalIgnoreCase)).ToList();
        }
        var posted = await PostedAccountsAsync(db, cancellationToken);
        return TypedResults.Ok(accounts.OrderBy(a => a.Code, StringComparer.Ordinal).Select(a => ToDto(a, posted.Contains(a.Code))).ToList());
    }

    private static async Task<IResult> Get(string code, HttpResponse response, LedgerBooks books, FinanceDbContext db, CancellationToken cancellationToken)
    {
        await books.ForReadAsync(cancellationToken);
        var account = await db.Accounts.AsNoTracking().FirstOrDefaultAsync(a => a.Code == code, cancellationToken);
        if (account is null)
            return Problems.NotFound("Account", code);
        ETags.Set(response, account.Version);
        return TypedResults.Ok(ToDto(account, await HasPostingsAsync(db, code, cancellationToken)));
    }

    private static Task<IResult> Create(CreateRequest request, FinanceDbContext db, LedgerBooks books, TimeProvider clock, CancellationToken cancellationToken) =>
        LedgerProblems.WriteAsync(db, async ct =>
        {
            await books.OpenAsync(ct);
            var code = request.Code!.Trim();
            if (await db.Accounts.AnyAsync(a => a.Code == code, ct))
                return Problems.Conflict("The account exists", $"Account {code} is already in the chart.");
            var parent = await db.Accounts.AsNoTracking().FirstOrDefaultAsync(a => a.Code == request.Parent!.Trim(), ct);
            if (parent is null)
                return Problems.Validation("parent", $"Account {request.Parent} is not in the chart.");
            if (!code.StartsWith(parent.Code, StringComparison.Ordinal) || code.Length <= parent.Code.Length)
                return Problems.Validation("code", $"A sub-account of {parent.Code} starts with {parent.Code} and is longer (e.g. {parent.Code}1).");
            var now = clock.GetUtcNow();
            var account = new Account
            {
                Code = code, Parent = parent.Code, Type = parent.Type, NormalSide = parent.NormalSide, Statement = parent.Statement,
                // Control accounts' roles go down to sub-accounts (a 1311 is a receivable); closing accounts stay unique.
                Role = parent.Role is AccountRoles.Receivable or AccountRoles.Payable or AccountRoles.Inventory or AccountRoles.GoodsInTransit ? parent.Role : null,
                Name = request.Name!.Trim(), NameVi = request.NameVi!.Trim(), Active = true, CreatedAt = now, UpdatedAt = now,
            };
            db.Accounts.Add(account);
            await books.TouchAsync(ct);
            return TypedResults.Created($"/api/finance/accounts/{code}", ToDto(account, false));
        }, cancellationToken);

    private static Task<IResult> Update(string code, UpdateRequest request, HttpContext http, FinanceDbContext db, LedgerBooks books, RulePoster rules,
        TimeProvider clock, CancellationToken cancellationToken) =>
        LedgerProblems.WriteAsync(db, async ct =>
        {
            await books.OpenAsync(ct);
            var account = await db.Accounts.FirstOrDefaultAsync(a => a.Code == code, ct);
            if (account is null)
                return Problems.NotFound("Account", code);
            if (!ETags.Matches(http.Request, account.Version))
                return Problems.PreconditionFailed($"Account {code} is at version {account.Version}, not the one in If-Match. Reload it first.");
            var posted = await HasPostingsAsync(db, code, ct);
            if (request.Type is { } type && type != account.Type)
            {
                if (posted)
                    return Problems.Conflict("The account's type cannot change", $"Account {code} has postings: its type stays {account.Type}.");
                account.Type = type;
            }
            if (request.Active == false && account.Active)
            {
                var users = await RulesUsingAsync(db, rules, code, clock.GetUtcNow(), ct);
                if (users.Count > 0)
                    return Problems.Conflict("The account is in use",
                        $"Posting rules in force post to {code} ({string.Join(", ", users)}); change them before deactivating it.");
                var balance = await BalanceAsync(db, code, ct);
                if (balance != 0)
                    return Problems.Conflict("The account has a balance",
                        $"Account {code} has a balance of {balance:0.####}; move it to another account before deactivating it.");
            }
            account.Active = request.Active ?? account.Active;
            account.Name = request.Name?.Trim() ?? account.Name;
            account.NameVi = request.NameVi?.Trim() ?? account.NameVi;
            account.UpdatedAt = clock.GetUtcNow();
            await db.SaveChangesAsync(ct);
            await books.TouchAsync(ct);
            ETags.Set(http.Response, account.Version);
            return TypedResults.Ok(ToDto(account, posted));
        }, cancellationToken);

    private static Task<IResult> Delete(string code, FinanceDbContext db, LedgerBooks books, RulePoster rules, TimeProvider clock, CancellationToken cancellationToken) =>
        LedgerProblems.WriteAsync(db, async ct =>
        {
            await books.OpenAsync(ct);
            var account = await db.Accounts.FirstOrDefaultAsync(a => a.Code == code, ct);
            if (account is null)
                return Problems.NotFound("Account", code);
            if (await HasPostingsAsync(db, code, ct))
                return Problems.Conflict("The account has postings", $"Account {code} has been posted to: it cannot be deleted; deactivate it when its balance is zero.");
            if (account.FromTemplate)
                return Problems.Conflict("The account is part of the chart", $"Account {code} comes from the chart template; deactivate it instead.");
            if (await db.Accounts.AnyAsync(a => a.Parent == code, ct))
                return Problems.Conflict("The account has sub-accounts", $"Delete the sub-accounts of {code} first.");
            var users = await RulesUsingAsync(db, rules, code, clock.GetUtcNow(), ct);
            if (users.Count > 0)
                return Problems.Conflict("The account is in use", $"Posting rules in force post to {code} ({string.Join(", ", users)}).");
            db.Accounts.Remove(account);
            await books.TouchAsync(ct);
            return TypedResults.NoContent();
        }, cancellationToken);

    public static AccountDto ToDto(Account a, bool hasPostings) =>
        new(a.Code, a.Name, a.NameVi, a.Type, a.Active, a.Parent, a.NormalSide, a.Statement, a.Role, hasPostings, a.Version);

    private static async Task<HashSet<string>> PostedAccountsAsync(FinanceDbContext db, CancellationToken cancellationToken) =>
        (await db.AccountDays.AsNoTracking().Select(d => d.Account).Distinct().ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);

    public static Task<bool> HasPostingsAsync(FinanceDbContext db, string code, CancellationToken cancellationToken) =>
        db.AccountDays.AsNoTracking().AnyAsync(d => d.Account == code, cancellationToken);

    private static async Task<decimal> BalanceAsync(FinanceDbContext db, string code, CancellationToken cancellationToken)
    {
        var days = await db.AccountDays.AsNoTracking().Where(d => d.Account == code).Select(d => new { d.Debit, d.Credit }).ToListAsync(cancellationToken);
        return days.Sum(d => d.Debit - d.Credit);
    }

    private static async Task<List<string>> RulesUsingAsync(FinanceDbContext db, RulePoster rules, string code, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var users = new List<string>();
        foreach (var posting in PostingEvents.All)
        {
            var (_, lines) = await rules.InForceAsync(posting.Key, now, cancellationToken);
            if (lines.Any(l => l.Account.Trim() == code))
                users.Add(posting.Key);
        }
        return users;
    }
}
