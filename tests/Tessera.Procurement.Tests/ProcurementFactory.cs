using Tessera.Procurement.Data;
using Tessera.Testing;

namespace Tessera.Procurement.Tests;

public sealed class ProcurementFactory : ServiceFactory<Program, ProcurementDbContext>;
