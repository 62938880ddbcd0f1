using Tessera.Messaging;
using Tessera.Orders;
using Tessera.Orders.Data;
using Tessera.Orders.Import;
using Tessera.ServiceDefaults;
using Tessera.ServiceDefaults.Data;

// Benchmark data only (docs/benchmarks.md): load import files offline, then stop.
var benchLoad = args is [BenchLoad.Verb, ..];
var builder = WebApplication.CreateBuilder(benchLoad ? [] : args);
if (benchLoad && builder.Configuration["Tessera:Services:catalog"] is null)
{
    // Offline, nothing is asked of the catalog: every SKU in the files must be in the local copy already.
    builder.Configuration.AddInMemoryCollection([new("Tessera:Services:catalog", "http://127.0.0.1:9")]);
}
builder.AddServiceDefaults("orders");
builder.AddOrders();

var app = builder.Build();
app.UseServiceDefaults();
app.MapDefaultEndpoints();
app.MapMessaging<OrdersDbContext>("/api/orders");
app.MapOrdersApi();

await app.MigrateDatabaseAsync<OrdersDbContext>();
await app.MigrateDatabaseAsync<OrdersArchiveDbContext>();
if (benchLoad)
    return await BenchLoad.RunAsync(app.Services, args, CancellationToken.None);
await app.RunAsync();
return 0;

public partial class Program;
