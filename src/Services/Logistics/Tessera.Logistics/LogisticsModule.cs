using Tessera.Logistics.Data;
using Tessera.Messaging;
using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Validation;

namespace Tessera.Logistics;

public static class LogisticsModule
{
    public static WebApplicationBuilder AddLogistics(this WebApplicationBuilder builder)
    {
        builder.AddServiceDatabase<LogisticsDbContext>(m => m.Add("logistics", typeof(LogisticsDbContext).Assembly));
        builder.AddMessaging<LogisticsDbContext>();
        builder.Services.AddValidatorsFrom(typeof(LogisticsModule).Assembly);
        return builder;
    }

    public static WebApplication MapLogisticsApi(this WebApplication app)
    {
        return app;
    }
}
