using Tessera.Logistics.Data;
using Tessera.Testing;

namespace Tessera.Logistics.Tests;

public sealed class LogisticsFactory : ServiceFactory<Program, LogisticsDbContext>;
