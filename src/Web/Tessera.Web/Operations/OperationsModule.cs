using Microsoft.AspNetCore.Http.HttpResults;
using Tessera.ServiceDefaults.Errors;
using Tessera.ServiceDefaults.Security;
using Tessera.ServiceDefaults.Telemetry;
using Tessera.Web.FrontEnd;

namespace Tessera.Web.Operations;

public sealed record BackupRequest(string Folder);

/// <summary>Running the installation: online backups, and the front-end's metrics on the public port.</summary>
public static class OperationsModule
{
    public static WebApplicationBuilder AddOperations(this WebApplicationBuilder builder)
    {
        builder.Services.AddHttpClient(BackupCoordinator.ClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { UseProxy = false })
            .ConfigureHttpClient(c => c.Timeout = TimeSpan.FromMinutes(30));
        builder.Services.AddSingleton<BackupCoordinator>();
        return builder;
    }

    public static WebApplication MapOperationsApi(this WebApplication app)
    {
        app.MapPost("/api/operations/backups", Backup)
            .RequireAuthorization(p => p.AddAuthenticationSchemes(AccessTokens.Scheme).RequireRole(Roles.Operator))
            .DisableRequestTimeout()
            .WithTags("Operations")
            .WithName("TakeBackup")
            .WithSummary("Operators: an online backup of every service's database and the keys into an empty folder on this machine (docs/operations.md).");
        // This is the public port: a scraper shows an operator's token (ADR 0027).
        app.MapOperatorMetrics(p => p.AddAuthenticationSchemes(AccessTokens.Scheme).RequireRole(Roles.Operator));
        return app;
    }

    private static async Task<Results<Created<BackupManifest>, ValidationProblem, ProblemHttpResult>> Backup(
        BackupRequest request, BackupCoordinator coordinator, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Folder) || !Path.IsPathFullyQualified(request.Folder))
            return Problems.Validation("folder", "Give an absolute path of a folder on the machine Tessera runs on.");
        if (Directory.Exists(request.Folder) && Directory.EnumerateFileSystemEntries(request.Folder).Any())
            return Problems.Validation("folder", "The folder is not empty; a backup goes into a new or empty folder so that it never mixes with another.");
        try
        {
            var manifest = await coordinator.RunAsync(request.Folder, cancellationToken);
            return TypedResults.Created(new Uri(request.Folder).AbsoluteUri, manifest);
        }
        catch (DependencyUnavailableException ex)
        {
            return Problems.Unavailable(char.ToUpperInvariant(ex.Service[0]) + ex.Service[1..],
                "A backup needs every service, to take one consistent copy of all of them. Try again once it is back.");
        }
    }
}
