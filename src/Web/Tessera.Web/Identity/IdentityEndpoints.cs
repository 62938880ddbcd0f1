using System.Security.Claims;
using System.Text.Json.Serialization;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tessera.ServiceDefaults.Errors;
using Tessera.ServiceDefaults.Hosting;
using Tessera.ServiceDefaults.Security;
using Tessera.ServiceDefaults.Validation;
using Tessera.Web.Data;
using Tessera.Web.FrontEnd;
using Tessera.Web.Gateway;
using Tessera.Web.Services;

namespace Tessera.Web.Identity;

public sealed record TokenRequest(string Tenant, string Username, string Password);

public sealed record TokenResponse(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("expires_in")] int ExpiresIn,
    [property: JsonPropertyName("refresh_token")] string RefreshToken);

public sealed record RefreshRequest([property: JsonPropertyName("refresh_token")] string RefreshToken);

public sealed record TenantAdmin(string Username, string Password);

/// <summary>A new tenant. Chart is its chart of accounts: vn-tt99 (Vietnam, Circular 99/2025/TT-BTC, the default) or ifrs.</summary>
public sealed record CreateTenantRequest(string Id, string Name, TenantAdmin Admin, string? TimeZone = null, string? Currency = null, string? Chart = null);

public sealed record TenantCreated(string Id, string Name, string AdminUsername, string TimeZone, string Currency, string? Chart = null);

public sealed class TokenRequestValidator : AbstractValidator<TokenRequest>
{
    public TokenRequestValidator()
    {
        RuleFor(r => r.Tenant).NotEmpty().MaximumLength(32);
        RuleFor(r => r.Username).NotEmpty().MaximumLength(64);
        RuleFor(r => r.Password).NotEmpty().MaximumLength(Accounts.MaximumPasswordLength)
            .WithMessage($"password has at most {Accounts.MaximumPasswordLength} characters.");
    }
}

public sealed class RefreshRequestValidator : AbstractValidator<RefreshRequest>
{
    public RefreshRequestValidator() => RuleFor(r => r.RefreshToken).NotEmpty().MaximumLength(200).OverridePropertyName("refresh_token");
}

public sealed class CreateTenantValidator : AbstractValidator<CreateTenantRequest>
{
    public CreateTenantValidator()
    {
        RuleFor(r => r.Id).NotEmpty().Matches(Accounts.TenantPattern)
            .WithMessage("id is 2 to 32 lower-case letters, digits or '-', starting with a letter or digit.");
        RuleFor(r => r.Name).NotEmpty().MaximumLength(200);
        RuleFor(r => r.Admin).NotNull();
        RuleFor(r => r.Admin.Username).NotEmpty().Matches(Accounts.UsernamePattern).When(r => r.Admin is not null);
        RuleFor(r => r.Admin.Password).NotEmpty().Length(Accounts.MinimumPasswordLength, Accounts.MaximumPasswordLength)
            .WithMessage($"password has {Accounts.MinimumPasswordLength} to {Accounts.MaximumPasswordLength} characters.")
            .When(r => r.Admin is not null);
        RuleFor(r => r.TimeZone).Must(tz => tz is null || TimeZoneInfo.TryFindSystemTimeZoneById(tz, out _))
            .WithMessage("timeZone must be an IANA time zone such as Asia/Ho_Chi_Minh.");
        RuleFor(r => r.Currency).Matches("^[A-Z]{3}$").When(r => r.Currency is not null)
            .WithMessage("currency must be a three-letter ISO 4217 code such as VND or USD.");
        RuleFor(r => r.Chart).Must(c => c is null or DefaultChart or "ifrs")
            .WithMessage($"chart is {DefaultChart} (Vietnam, Circular 99/2025/TT-BTC) or ifrs.");
    }

    public const string DefaultChart = "vn-tt99";
}

/// <summary>
/// API sign-in: a password grant starts a session and answers a short-lived access token and a refresh token; a
/// refresh answers new ones (the old refresh token stops working); sign-out ends the session (ADR 0011).
/// </summary>
public static class IdentityEndpoints
{
    public static void Map(WebApplication app)
    {
        app.MapPost("/api/auth/token", IssueToken)
            .Validate<TokenRequest>()
            .AllowAnonymous()
            .RequireRateLimiting(RateLimits.SignIn)
            .WithTags("Authentication")
            .WithName("IssueToken")
            .WithSummary("Exchange tenant, username and password for a bearer access token (15 minutes) and a refresh token.")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        app.MapPost("/api/auth/refresh", Refresh)
            .Validate<RefreshRequest>()
            .AllowAnonymous()
            .RequireRateLimiting(RateLimits.SignIn)
            .WithTags("Authentication")
            .WithName("RefreshToken")
            .WithSummary("Exchange a refresh token for a new access token and a new refresh token; the old refresh token stops working.")
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        app.MapPost("/api/auth/signout", SignOut)
            .RequireAuthorization(p => p.AddAuthenticationSchemes(AccessTokens.Scheme).RequireAuthenticatedUser())
            .WithTags("Authentication")
            .WithName("SignOut")
            .WithSummary("End the access token's session: the access token and its refresh token stop working.");

        app.MapPost("/api/tenants", CreateTenant)
            .Validate<CreateTenantRequest>()
            .RequireAuthorization(p => p.AddAuthenticationSchemes(AccessTokens.Scheme).RequireRole(Roles.Operator))
            .WithTags("Tenants")
            .WithName("CreateTenant")
            .WithSummary("Create a tenant with its first administrator (operators only).");
    }

    private static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> IssueToken(
        TokenRequest request, Accounts accounts, Sessions sessions, [FromKeyedServices(TokenAudiences.Api)] SignedTokenCodec codec,
        HttpContext context, TimeProvider clock, CancellationToken cancellationToken)
    {
        var outcome = await accounts.SignInAsync(request.Tenant.Trim(), request.Username.Trim(), request.Password, cancellationToken);
        if (outcome.LockedUntil is not null)
        {
            var wait = Math.Max(1, (int)Math.Ceiling(outcome.RetryAfter(clock.GetUtcNow()).TotalSeconds));
            context.Response.Headers.RetryAfter = wait.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many failed sign-ins",
                detail: $"This account is locked for {wait} s after repeated failed sign-ins. Try again after Retry-After.");
        }
        if (outcome.User is not { } user)
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Sign-in failed",
                detail: "The tenant, username or password is wrong, or the account is disabled.");

        var (session, refresh) = await sessions.StartApiAsync(user, cancellationToken);
        return TypedResults.Ok(Tokens(codec, sessions.Settings, user, session.Id, refresh));
    }

    private static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> Refresh(
        RefreshRequest request, Sessions sessions, [FromKeyedServices(TokenAudiences.Api)] SignedTokenCodec codec, CancellationToken cancellationToken)
    {
        var outcome = await sessions.RefreshAsync(request.RefreshToken, cancellationToken);
        if (outcome.User is not { } user)
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "The refresh token was refused",
                detail: $"{char.ToUpperInvariant(outcome.Failure![0])}{outcome.Failure[1..]}.");
        return TypedResults.Ok(Tokens(codec, sessions.Settings, user, outcome.SessionId!, outcome.RefreshToken!));
    }

    private static async Task<NoContent> SignOut(ClaimsPrincipal user, Sessions sessions, CancellationToken cancellationToken)
    {
        if (user.FindFirst(TesseraClaims.Session)?.Value is { } session)
            await sessions.RevokeAsync(session, "signed out", cancellationToken);
        return TypedResults.NoContent();
    }

    private static ProblemHttpResult TenantExists(string id) => Problems.Conflict("Tenant already exists", $"A tenant with id '{id}' already exists.");

    private static TokenResponse Tokens(SignedTokenCodec codec, SessionSettings settings, UserRecord user, string sessionId, string refreshToken)
    {
        var token = codec.Issue(user.Username, user.TenantId, user.RoleList, TokenAudiences.Api, settings.AccessTokenLifetime, sessionId);
        return new TokenResponse(token, "Bearer", (int)settings.AccessTokenLifetime.TotalSeconds, refreshToken);
    }

    /// <summary>
    /// Creates the tenant after finance has opened its books with the chart, currency and time zone chosen (finance
    /// first: a tenant whose books could not be opened is not created, and the request can simply be sent again).
    /// </summary>
    private static async Task<Results<Created<TenantCreated>, ProblemHttpResult>> CreateTenant(
        CreateTenantRequest request, ClaimsPrincipal user, Accounts accounts, IServiceProvider services, IOptions<TesseraOptions> options,
        [FromKeyedServices(TokenAudiences.Internal)] SignedTokenCodec codec, CancellationToken cancellationToken)
    {
        if (await accounts.TenantExistsAsync(request.Id, cancellationToken))
            return TenantExists(request.Id);
        var tenant = new TenantRecord
        {
            Id = request.Id,
            Name = request.Name.Trim(),
            TimeZone = request.TimeZone ?? "Asia/Ho_Chi_Minh",
            Currency = request.Currency ?? "VND",
        };
        string? chart = null;
        if (options.Value.Services.ContainsKey("finance"))
        {
            chart = request.Chart ?? CreateTenantValidator.DefaultChart;
            // The operator is signed in to their own tenant: finance is told about the new one with a token for it.
            var token = codec.Issue(user.Actor(), tenant.Id, [Roles.Operator], TokenAudiences.Internal, TimeSpan.FromMinutes(1));
            try
            {
                var books = await services.GetRequiredService<FinanceApi>().SetUpAsync(chart, tenant.Currency, tenant.TimeZone, token, cancellationToken);
                if (!books.Succeeded)
                    return TypedResults.Problem(statusCode: (int)books.Problem!.Status, title: "The tenant's books could not be opened", detail: books.Problem.Detail);
            }
            catch (DependencyUnavailableException)
            {
                return Problems.Unavailable("Finance", "The tenant's books could not be opened, so the tenant was not created. Send the request again in a moment.");
            }
        }
        // Checked again where it is written: the same tenant created twice at once is created once.
        if (!await accounts.CreateTenantAsync(tenant, request.Admin.Username, request.Admin.Password, cancellationToken))
            return TenantExists(request.Id);
        return TypedResults.Created($"/api/tenants/{tenant.Id}",
            new TenantCreated(tenant.Id, tenant.Name, request.Admin.Username, tenant.TimeZone, tenant.Currency, chart));
    }
}
