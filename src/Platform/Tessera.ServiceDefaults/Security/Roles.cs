namespace Tessera.ServiceDefaults.Security;

/// <summary>The roles a Tessera user can hold in a tenant, plus the two system roles.</summary>
public static class Roles
{
    public const string Admin = "admin";
    public const string Sales = "sales";
    public const string Warehouse = "warehouse";
    public const string Purchasing = "purchasing";
    public const string Finance = "finance";

    /// <summary>Keeps the books: posts manual entries, payments and bills, edits posting rules, locks and closes periods.</summary>
    public const string Accountant = "accountant";
    public const string Viewer = "viewer";

    /// <summary>May create tenants; held by the installation's first administrator.</summary>
    public const string Operator = "operator";

    /// <summary>Held by service identity tokens (background work between services, event feeds).</summary>
    public const string Service = "service";

    public static readonly IReadOnlyList<string> TenantRoles = [Admin, Sales, Warehouse, Purchasing, Finance, Accountant, Viewer];
}

/// <summary>Claim names carried by Tessera tokens.</summary>
public static class TesseraClaims
{
    public const string Subject = "sub";
    public const string Tenant = "tid";
    public const string Role = "role";

    /// <summary>The web front-end's server-side session a cookie or an access token belongs to.</summary>
    public const string Session = "sid";

    /// <summary>Tenant value of service tokens that act for no single tenant (event feeds).</summary>
    public const string AnyTenant = "*";
}

public static class TokenAudiences
{
    /// <summary>Tokens services accept: minted by the web front-end or by a service, short-lived.</summary>
    public const string Internal = "tessera-internal";

    /// <summary>Access tokens handed to API clients by POST /api/auth/token; only the web front-end accepts them.</summary>
    public const string Api = "tessera-api";
}
