using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Tessera.Finance.Contracts;
using Tessera.Finance.Data;
using Tessera.Finance.Domain;
using Tessera.Finance.Ledger;
using Tessera.ServiceDefaults.Errors;
using Tessera.ServiceDefaults.Security;

namespace Tessera.Finance.Features;

/// <summary>
/// The tenant's posting rules, as data: the version of each event's rule in force, its history, and changes by
/// accountants. A change is validated against the tenant's chart (accounts exist and are active, the amounts use the
/// event's fields, the lines balance for every event) and becomes a new version in force from now: events that
/// happened before keep the version they happened under, even when they arrive late.
/// </summary>
public static class PostingRulesApi
{
    public sealed record Request(IReadOnlyList<PostingRuleLineDto>? Lines, string? Note);

    public static void Map(RouteGroupBuilder api)
    {
        var rules = api.MapGroup("/posting-rules").WithTags("Posting rules");
        rules.MapGet("/", List).Reading().WithName("ListPostingRules").WithSummary("Every posting event with the version of its rule in force now.");
        rules.MapGet("/{posting}", Get).Reading().WithName("GetPostingRule").WithSummary("A posting event's rule: every version, newest first.");
        rules.MapPut("/{posting}", Put).Posting().WithName("ChangePostingRule")
            .WithSummary("A new version of a rule, in force for events from now on. Refused (422) with the reason when it cannot be used.");
        rules.MapPost("/{posting}/check", Check).Posting().WithName("CheckPostingRule").WithSummary("Validate lines without saving them.");
    }

    private static async Task<IResult> List(LedgerBooks books, FinanceDbContext db, TimeProvider clock, CancellationToken cancellationToken)
    {
        await books.ForReadAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var versions = await db.PostingRules.AsNoTracking().ToListAsync(cancellationToken);
        return TypedResults.Ok(PostingEvents.All.Select(e => versions.Where(v => v.Event == e.Key && v.EffectiveFrom <= now).MaxBy(v => v.Version))
            .OfType<PostingRuleVersion>().Select(ToDto).ToList());
    }

    private static async Task<IResult> Get(string posting, LedgerBooks books, FinanceDbContext db, CancellationToken cancellationToken)
    {
        if (PostingEvents.Find(posting) is null)
            return Problems.NotFound("Posting event", posting);
        await books.ForReadAsync(cancellationToken);
        var versions = await db.PostingRules.AsNoTracking().Where(r => r.Event == posting).OrderByDescending(r => r.Version).ToListAsync(cancellationToken);
        return TypedResults.Ok(versions.Select(ToDto).ToList());
    }

    private static async Task<IResult> Check(string posting, Request request, LedgerBooks books, FinanceDbContext db, CancellationToken cancellationToken)
    {
        if (PostingEvents.Find(posting) is not { } definition)
            return Problems.NotFound("Posting event", posting);
        await books.ForReadAsync(cancellationToken);
        var problems = await ValidateAsync(db, definition, request, cancellationToken);
        return problems ?? TypedResults.Ok(new { valid = true });
    }

    private static Task<IResult> Put(string posting, Request request, ClaimsPrincipal user, FinanceDbContext db, LedgerBooks books, TimeProvider clock,
        CancellationToken cancellationToken) =>
        LedgerProblems.WriteAsync(db, async ct =>
        {
            if (PostingEvents.Find(posting) is not { } definition)
                return Problems.NotFound("Posting event", posting);
            await books.OpenAsync(ct);
            if (await ValidateAsync(db, definition, request, ct) is { } refused)
                return refused;
            var latest = await db.PostingRules.Where(r => r.Event == posting).MaxAsync(r => (int?)r.Version, ct) ?? 0;
            var now = clock.GetUtcNow();
            var version = new PostingRuleVersion
            {
                Event = posting,
                Version = latest + 1,
                Lines = PostingRule.Serialize(Normalize(request.Lines!)),
                EffectiveFrom = now,
                CreatedAt = now,
                CreatedBy = user.Actor(),
                Note = string.IsNullOrWhiteSpace(request.Note) ? null : request.Note.Trim(),
            };
            db.PostingRules.Add(version);
            await books.TouchAsync(ct);
            return TypedResults.Ok(ToDto(version));
        }, cancellationToken);

    private static async Task<IResult?> ValidateAsync(FinanceDbContext db, PostingEvent definition, Request request, CancellationToken cancellationToken)
    {
        if (request.Lines is null || request.Lines.Count == 0)
            return Problems.Validation("lines", "A rule has at least one debit and one credit line.");
        var lines = Normalize(request.Lines);
        var codes = lines.Select(l => l.Account).Distinct().ToList();
        var accounts = await db.Accounts.AsNoTracking().Where(a => codes.Contains(a.Code))
            .ToDictionaryAsync(a => a.Code, a => new AccountRef(a.Code, a.Active, a.Type, a.Role), cancellationToken);
        var errors = RuleValidation.Validate(definition, lines, code => accounts.GetValueOrDefault(code));
        if (errors.Count == 0)
            return null;
        var byField = errors.Where(e => e.Line is not null).GroupBy(e => $"lines[{e.Line!.Value - 1}]")
            .ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray());
        var general = errors.Where(e => e.Line is null).Select(e => e.Message).ToArray();
        if (general.Length > 0)
            byField["lines"] = general;
        return TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: $"The rule for {definition.Key} cannot be used",
            detail: string.Join(" ", errors.Select(RuleValidation.Describe)), extensions: new Dictionary<string, object?> { ["errors"] = byField });
    }

    private static List<RuleLine> Normalize(IReadOnlyList<PostingRuleLineDto> lines) =>
        lines.Select(l => new RuleLine((l.Side ?? "").Trim().ToLowerInvariant(), (l.Account ?? "").Trim(), (l.Amount ?? "").Trim(),
            string.IsNullOrWhiteSpace(l.Dimension) ? null : l.Dimension.Trim())).ToList();

    public static PostingRuleDto ToDto(PostingRuleVersion v)
    {
        var definition = PostingEvents.Get(v.Event);
        return new PostingRuleDto(v.Event, definition.Description, v.Version, v.EffectiveFrom,
            PostingRule.Deserialize(v.Lines).Select(l => new PostingRuleLineDto(l.Side, l.Account, l.Amount, l.Dimension)).ToList(),
            definition.AllFields.ToList(), definition.Dimensions, v.CreatedBy, v.Note);
    }
}
