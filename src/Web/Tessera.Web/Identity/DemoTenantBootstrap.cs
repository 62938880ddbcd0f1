using Microsoft.Extensions.Options;
using Tessera.ServiceDefaults.Security;

namespace Tessera.Web.Identity;

public sealed class BootstrapOptions
{
    public const string Section = "Tessera:Bootstrap";

    /// <summary>Password of the demo administrator; set by the AppHost from TESSERA_ADMIN_PASSWORD or generated at first start.</summary>
    public string? AdminPassword { get; set; }

    public string Tenant { get; set; } = "demo";
    public string TenantName { get; set; } = "Demo Retail Co.";
    public string AdminUsername { get; set; } = "admin";
}

/// <summary>
/// Creates the demo tenant and its administrator at start-up. That administrator also holds the operator role: it is
/// the installation's first account, the one that creates further tenants.
/// </summary>
public static class DemoTenantBootstrap
{
    public static async Task RunAsync(WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<BootstrapOptions>>().Value;
        await using var scope = app.Services.CreateAsyncScope();
        var accounts = scope.ServiceProvider.GetRequiredService<Accounts>();
        var changed = await accounts.EnsureAdministratorAsync(options.Tenant, options.TenantName, options.AdminUsername, options.AdminPassword,
            [Roles.Admin, Roles.Operator], CancellationToken.None);
        if (changed)
            app.Logger.LogInformation("Demo tenant {Tenant}: administrator {User} is ready", options.Tenant, options.AdminUsername);
        else if (options.AdminPassword is null && !await accounts.TenantExistsAsync(options.Tenant, CancellationToken.None))
            app.Logger.LogWarning("No bootstrap password is configured; the demo administrator was not created");
    }
}
