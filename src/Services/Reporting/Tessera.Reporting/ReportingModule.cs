using Tessera.Messaging;
using Tessera.Reporting.Data;
using Tessera.Reporting.Features;
using Tessera.Reporting.Modeling;
using Tessera.Reporting.Ods;
using Tessera.Reporting.Reconciliation;
using Tessera.Reporting.Runs;
using Tessera.Reporting.Warehouse;
using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Data.Backup;
using Tessera.ServiceDefaults.Hosting;
using Tessera.ServiceDefaults.Http;
using Tessera.ServiceDefaults.Validation;

namespace Tessera.Reporting;

public static class ReportingModule
{
    /// <summary>
    /// Every other service of the catalogue is a source, and so is this one (its ReconciliationFailed events): each of
    /// their events, of any type, lands in the ODS. A service added to the catalogue later (finance) is read from the
    /// next start on.
    /// </summary>
    public static IReadOnlyList<string> Producers => ServiceCatalog.Names;

    public static WebApplicationBuilder AddReporting(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<ReportingOptions>(builder.Configuration.GetSection(ReportingOptions.Section));
        builder.AddServiceDatabase<ReportingDbContext>(m => m.Add("reporting", typeof(ReportingDbContext).Assembly));
        builder.AddMessaging<ReportingDbContext>(m =>
        {
            foreach (var producer in Producers.Append("reporting").Distinct())
                m.Subscribe(producer, s => s.HandleEvery<IngestEvent>());
        });
        builder.Services.AddSingleton<TenantWarehouses>();
        builder.Services.AddSingleton<IBackupParticipant, WarehouseBackup>();
        builder.Services.AddSingleton<TenantDirectory>();
        builder.Services.AddSingleton<ModelCatalog>();
        builder.Services.AddSingleton<UploadSources>();
        builder.Services.AddSingleton<RunSignal>();
        builder.Services.AddSingleton<RunQueue>();
        builder.Services.AddSingleton<TaskRunner>();
        builder.Services.AddSingleton<OdsLoader>();
        builder.Services.AddSingleton<Freshness>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<OdsLoader>());
        builder.Services.AddSingleton<RunExecutor>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RunExecutor>());
        builder.Services.AddSingleton<Scheduler>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<Scheduler>());
        builder.Services.AddScoped<Reconciler>();
        builder.Services.AddServiceClient<OrdersFigures>("orders");
        builder.Services.AddServiceClient<InventoryFigures>("inventory");
        builder.Services.AddValidatorsFrom(typeof(ReportingModule).Assembly);
        return builder;
    }

    public static WebApplication MapReportingApi(this WebApplication app)
    {
        // The shipped models are read now: a model file that cannot be used stops the start, naming the file and line.
        app.Services.GetRequiredService<ModelCatalog>();
        app.Services.GetRequiredService<UploadSources>();
        var api = app.MapGroup("/api/reporting");
        Metrics.Map(api);
        RunsApi.Map(api);
        ModelsApi.Map(api);
        DataQuality.Map(api);
        ReconciliationApi.Map(api);
        Sources.Map(api);
        SettingsApi.Map(api);
        return app;
    }
}
