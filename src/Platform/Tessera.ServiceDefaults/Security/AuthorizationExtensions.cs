using Microsoft.AspNetCore.Builder;

namespace Tessera.ServiceDefaults.Security;

public static class AuthorizationExtensions
{
    /// <summary>Allows the endpoint to the given roles and, always, to the tenant's administrators.</summary>
    public static TBuilder RequireRoles<TBuilder>(this TBuilder builder, params string[] roles) where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(policy => policy.RequireRole(roles.Append(Roles.Admin).Distinct()));
}

public static class ClaimsPrincipalExtensions
{
    /// <summary>Who is acting: the signed-in user's name, or the calling service's identity.</summary>
    public static string Actor(this System.Security.Claims.ClaimsPrincipal user) =>
        user.FindFirst(TesseraClaims.Subject)?.Value ?? "system";
}
