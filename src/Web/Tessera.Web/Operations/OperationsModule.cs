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
        builder.AddOperationsConsole();
        return builder;
    }

    /// <summary>The console's scheduled checks, alerts and webhook (ADR 0029).</summary>
    private static void AddOperationsConsole(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.Configure<ConsoleOptions>(builder.Configuration.GetSection(ConsoleOptions.Section));
        services.Configure<AlertOptions>(builder.Configuration.GetSection(AlertOptions.Section));
        // Each instance is asked on its own address, briefly and once: a health answer that waits is no answer.
        services.AddHttpClient(ServiceProbe.InstanceClient, c => c.Timeout = TimeSpan.FromSeconds(3))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { UseProxy = false, PooledConnectionIdleTimeout = TimeSpan.FromSeconds(5) });
        // The webhook is called at the configured URL and nowhere else: no redirects.
        services.AddHttpClient(AlertWebhook.Client, c => c.Timeout = TimeSpan.FromSeconds(10))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false });
        services.AddSingleton<ConsoleIdentity>();
        services.AddScoped<ServiceProbe>();
        services.AddScoped<InvariantSchedule>();
        services.AddScoped<AlertBook>();
        services.AddScoped<AlertWebhook>();
        services.AddSingleton<ConsoleHolder>();
        services.AddScoped<ConsoleLease>();
        services.AddScoped<ConsoleRound>();
        services.AddHostedService<ConsoleMonitor>();
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
