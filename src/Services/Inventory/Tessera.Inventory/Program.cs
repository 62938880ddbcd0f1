using Tessera.Inventory;
using Tessera.Inventory.Data;
using Tessera.Inventory.Ledger;
using Tessera.Messaging;
using Tessera.ServiceDefaults;
using Tessera.ServiceDefaults.Data;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("inventory");
builder.AddInventory();

var app = builder.Build();
app.UseServiceDefaults();
app.MapDefaultEndpoints();
app.MapMessaging<InventoryDbContext>("/api/inventory");
app.MapInventoryApi();

await app.MigrateDatabaseAsync<InventoryDbContext>();
await app.Services.BackfillLedgerAsync(app.Logger);
await app.RunAsync();

public partial class Program;
