using Tessera.Messaging;
using Tessera.Orders;
using Tessera.Orders.Data;
using Tessera.ServiceDefaults;
using Tessera.ServiceDefaults.Data;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("orders");
builder.AddOrders();

var app = builder.Build();
app.UseServiceDefaults();
app.MapDefaultEndpoints();
app.MapMessaging<OrdersDbContext>("/api/orders");
app.MapOrdersApi();

await app.MigrateDatabaseAsync<OrdersDbContext>();
await app.MigrateDatabaseAsync<OrdersArchiveDbContext>();
await app.RunAsync();

public partial class Program;
