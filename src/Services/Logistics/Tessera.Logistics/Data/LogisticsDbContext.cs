using Microsoft.EntityFrameworkCore;
using Tessera.Messaging;
using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.Logistics.Data;

public sealed class LogisticsDbContext(DbContextOptions<LogisticsDbContext> options, ITenantContext tenant, WriteGate gate)
    : ServiceDbContext(options, tenant, gate)
{
    protected override void ConfigureModel(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyMessagingModel();
    }
}
