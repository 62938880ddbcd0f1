using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Tessera.ServiceDefaults.Security;

public sealed class TokenAuthenticationOptions : AuthenticationSchemeOptions
{
    /// <summary>The audience a token must carry to be accepted here.</summary>
    public string Audience { get; set; } = TokenAudiences.Internal;

    /// <summary>The DI key of the <see cref="SignedTokenCodec"/> that validates tokens for this scheme.</summary>
    public string CodecKey { get; set; } = TokenAudiences.Internal;

    /// <summary>
    /// Asked after the signature and expiry hold, where tokens can be revoked before they expire (the web front-end's
    /// sessions): null accepts the token, a text refuses it and says why.
    /// </summary>
    public Func<HttpContext, TokenClaims, ValueTask<string?>>? CheckRevocation { get; set; }
}

/// <summary>Bearer authentication with Tessera's signed tokens. Failures answer 401 problem details that say why.</summary>
public sealed class TokenAuthenticationHandler(
    IOptionsMonitor<TokenAuthenticationOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder) : AuthenticationHandler<TokenAuthenticationOptions>(options, logger, encoder)
{
    public const string SchemeName = "TesseraToken";
    private const string FailureKey = "tessera.auth.failure";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var token = ReadBearer(Request);
        if (token is null)
            return AuthenticateResult.NoResult();

        var codec = Context.RequestServices.GetRequiredKeyedService<SignedTokenCodec>(Options.CodecKey);
        var result = codec.Validate(token, Options.Audience);
        var failure = result.IsValid ? null : result.Describe();
        if (failure is null && Options.CheckRevocation is { } check)
            failure = await check(Context, result.Claims!);
        if (failure is not null)
        {
            Context.Items[FailureKey] = failure;
            return AuthenticateResult.Fail(failure);
        }

        var principal = ToPrincipal(result.Claims!, Scheme.Name);
        return AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
    }

    public static ClaimsPrincipal ToPrincipal(TokenClaims claims, string scheme)
    {
        var list = new List<Claim>
        {
            new(TesseraClaims.Subject, claims.Subject),
            new(TesseraClaims.Tenant, claims.Tenant),
            new("exp", claims.ExpiresAt.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)),
        };
        if (claims.SessionId is { } session)
            list.Add(new Claim(TesseraClaims.Session, session));
        list.AddRange(claims.Roles.Select(r => new Claim(TesseraClaims.Role, r)));
        return new ClaimsPrincipal(new ClaimsIdentity(list, scheme, TesseraClaims.Subject, TesseraClaims.Role));
    }

    public static string? ReadBearer(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string prefix = "Bearer ";
        return header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && header.Length > prefix.Length
            ? header[prefix.Length..].Trim()
            : null;
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var reason = Context.Items[FailureKey] as string;
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = reason is null
            ? "Bearer"
            : $"Bearer error=\"invalid_token\", error_description=\"{reason}\"";
        await WriteProblem(StatusCodes.Status401Unauthorized, "Authentication required",
            reason is null
                ? "Send a bearer token in the Authorization header. API clients obtain one from POST /api/auth/token."
                : $"The bearer token was refused: {reason}. Obtain a new token and retry.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        WriteProblem(StatusCodes.Status403Forbidden, "Not allowed",
            "Your role does not allow this action. Ask an administrator of your tenant for the needed role.");

    private Task WriteProblem(int status, string title, string detail)
    {
        Response.StatusCode = status;
        var writer = Context.RequestServices.GetRequiredService<IProblemDetailsService>();
        return writer.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        }).AsTask();
    }
}
