using Tessera.ServiceDefaults.Security;
using Tessera.ServiceDefaults.Telemetry;
using Tessera.Web.FrontEnd;

namespace Tessera.Web.Operations;

/// <summary>Running the installation: the front-end's metrics on the public port.</summary>
public static class OperationsModule
{
    public static WebApplication MapOperationsApi(this WebApplication app)
    {
        // This is the public port: a scraper shows an operator's token (ADR 0027).
        app.MapOperatorMetrics(p => p.AddAuthenticationSchemes(AccessTokens.Scheme).RequireRole(Roles.Operator));
        return app;
    }
}
