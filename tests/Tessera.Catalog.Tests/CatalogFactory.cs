using Tessera.Catalog.Data;
using Tessera.Testing;

namespace Tessera.Catalog.Tests;

public sealed class CatalogFactory : ServiceFactory<Program, CatalogDbContext>;
