using Tessera.Catalog;
using Tessera.Catalog.Data;
using Tessera.Messaging;
using Tessera.ServiceDefaults;
using Tessera.ServiceDefaults.Data;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("catalog");
builder.AddCatalog();

var app = builder.Build();
app.UseServiceDefaults();
app.MapDefaultEndpoints();
app.MapMessaging<CatalogDbContext>("/api/catalog");
app.MapCatalogApi();

await app.MigrateDatabaseAsync<CatalogDbContext>();
await app.RunAsync();

public partial class Program;
