using Tessera.Procurement.Data;
using Tessera.Messaging;
using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Validation;

namespace Tessera.Procurement;

public static class ProcurementModule
{
    public static WebApplicationBuilder AddProcurement(this WebApplicationBuilder builder)
    {
        builder.AddServiceDatabase<ProcurementDbContext>(m => m.Add("procurement", typeof(ProcurementDbContext).Assembly));
        builder.AddMessaging<ProcurementDbContext>();
        builder.Services.AddValidatorsFrom(typeof(ProcurementModule).Assembly);
        return builder;
    }

    public static WebApplication MapProcurementApi(this WebApplication app)
    {
        return app;
    }
}
