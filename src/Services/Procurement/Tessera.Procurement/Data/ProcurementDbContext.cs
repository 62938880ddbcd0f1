using Microsoft.EntityFrameworkCore;
using Tessera.Messaging;
using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.Procurement.Data;

public sealed class ProcurementDbContext(DbContextOptions<ProcurementDbContext> options, ITenantContext tenant, WriteGate gate)
    : ServiceDbContext(options, tenant, gate)
{
    protected override void ConfigureModel(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyMessagingModel();
    }
}
