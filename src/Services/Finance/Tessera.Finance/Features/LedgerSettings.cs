using System.Security.Claims;
using FluentValidation;
using Microsoft.EntityFrameworkCore;
using Tessera.Finance.Contracts;
using Tessera.Finance.Data;
using Tessera.Finance.Domain;
using Tessera.Finance.Ledger;
using Tessera.ServiceDefaults.Api;
using Tessera.ServiceDefaults.Errors;
using Tessera.ServiceDefaults.Security;
using Tessera.ServiceDefaults.Validation;

namespace Tessera.Finance.Features;

/// <summary>
/// The tenant's books: which chart (picked once, by an operator, before anything is posted — `tessera tenant create
/// --chart`), currency and time zone (fixed once entries exist), and what accountants tune: the bill match tolerance
/// and payment terms.
/// </summary>
public static class LedgerSettings
{
    public sealed record SetUpRequest(string? Chart, string? Currency, string? TimeZone);

    public sealed record Request(decimal? BillTolerancePercent, int? CustomerTermsDays, int? SupplierTermsDays);

    public sealed class SetUpValidator : AbstractValidator<SetUpRequest>
    {
        public SetUpValidator()
        {
            RuleFor(r => r.Chart).NotEmpty().Must(c => c is ChartTemplate.Vietnam or ChartTemplate.Ifrs)
                .WithMessage($"chart is {ChartTemplate.Vietnam} (Vietnam, Circular 99/2025/TT-BTC) or {ChartTemplate.Ifrs}.");
            RuleFor(r => r.Currency).Matches("^[A-Z]{3}$").When(r => r.Currency is not null)
                .WithMessage("currency is a three-letter ISO 4217 code such as VND.");
            RuleFor(r => r.TimeZone).Must(tz => tz is null || TimeZoneInfo.TryFindSystemTimeZoneById(tz, out _))
                .WithMessage("timeZone is an IANA time zone such as Asia/Ho_Chi_Minh.");
        }
    }

    public sealed class Validator : AbstractValidator<Request>
    {
        public Validator()
        {
            RuleFor(r => r.BillTolerancePercent).InclusiveBetween(0, 100).PrecisionScale(5, 2, ignoreTrailingZeros: true)
                .WithMessage("billTolerancePercent is a percentage from 0 to 100 with at most two decimals.");
            RuleFor(r => r.CustomerTermsDays).InclusiveBetween(0, 365);
            RuleFor(r => r.SupplierTermsDays).InclusiveBetween(0, 365);
        }
    }

    public static void Map(RouteGroupBuilder api)
    {
        var ledger = api.MapGroup("/ledger").WithTags("Books");
        ledger.MapGet("/", Get).Reading().WithName("GetLedger").WithSummary("The tenant's books: chart, currency, time zone, tolerance, terms, lock date.");
        ledger.MapPut("/", Put).Validate<Request>().Posting().WithName("UpdateLedger")
            .WithSummary("Set the bill match tolerance and payment terms; send If-Match with the ETag you read.");
        ledger.MapPut("/setup", SetUp).Validate<SetUpRequest>().RequireAuthorization(p => p.RequireRole(Roles.Operator, Roles.Service))
            .WithName("SetUpLedger")
            .WithSummary("Operators: choose the tenant's chart of accounts (vn-tt99 or ifrs), currency and time zone — once, before anything is posted.");
    }

    private static async Task<IResult> Get(HttpResponse response, LedgerBooks books, CancellationToken cancellationToken)
    {
        var ledger = await books.ForReadAsync(cancellationToken);
        ETags.Set(response, ledger.Version);
        return TypedResults.Ok(ToDto(ledger));
    }

    private static Task<IResult> Put(Request request, HttpContext http, FinanceDbContext db, LedgerBooks books, TimeProvider clock,
        CancellationToken cancellationToken) =>
        LedgerProblems.WriteAsync(db, async ct =>
        {
            await books.OpenAsync(ct);
            var ledger = await db.Books.FirstAsync(ct);
            if (!ETags.Matches(http.Request, ledger.Version))
                return Problems.PreconditionFailed($"The books' settings are at version {ledger.Version}, not the one in If-Match. Reload them first.");
            ledger.BillTolerancePercent = request.BillTolerancePercent ?? ledger.BillTolerancePercent;
            ledger.CustomerTermsDays = request.CustomerTermsDays ?? ledger.CustomerTermsDays;
            ledger.SupplierTermsDays = request.SupplierTermsDays ?? ledger.SupplierTermsDays;
            ledger.Generation++;
            ledger.UpdatedAt = clock.GetUtcNow();
            await db.SaveChangesAsync(ct);
            ETags.Set(http.Response, ledger.Version);
            return TypedResults.Ok(ToDto(ledger));
        }, cancellationToken);

    private static Task<IResult> SetUp(SetUpRequest request, ClaimsPrincipal user, FinanceDbContext db, LedgerBooks books, TimeProvider clock,
        CancellationToken cancellationToken) =>
        LedgerProblems.WriteAsync(db, async ct =>
        {
            await books.OpenAsync(ct);
            var ledger = await db.Books.FirstAsync(ct);
            var changes = ledger.Chart != request.Chart || (request.Currency ?? ledger.Currency) != ledger.Currency ||
                          (request.TimeZone ?? ledger.TimeZone) != ledger.TimeZone;
            if (!changes)
                return TypedResults.Ok(ToDto(ledger));
            if (ledger.EntryCount > 0)
                return Problems.Conflict("The books are already in use",
                    $"The chart ({ledger.Chart}), currency and time zone are chosen once, before anything is posted; these books have {ledger.EntryCount} entries.");
            if (ledger.Chart != request.Chart)
                await books.ReplaceChartAsync(ledger, request.Chart!, user.Actor(), ct);
            ledger.Currency = request.Currency ?? ledger.Currency;
            ledger.TimeZone = request.TimeZone ?? ledger.TimeZone;
            ledger.Generation++;
            ledger.UpdatedAt = clock.GetUtcNow();
            await db.SaveChangesAsync(ct);
            return TypedResults.Ok(ToDto(ledger));
        }, cancellationToken);

    public static LedgerSettingsDto ToDto(Books b) =>
        new(b.Chart, b.Currency, b.TimeZone, b.BillTolerancePercent, b.CustomerTermsDays, b.SupplierTermsDays, b.LockDate, b.EntryCount, b.Version);
}
