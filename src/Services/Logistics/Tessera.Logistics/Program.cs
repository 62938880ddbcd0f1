using Tessera.Logistics;
using Tessera.Logistics.Data;
using Tessera.Messaging;
using Tessera.ServiceDefaults;
using Tessera.ServiceDefaults.Data;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("logistics");
builder.AddLogistics();

var app = builder.Build();
app.UseServiceDefaults();
app.MapDefaultEndpoints();
app.MapMessaging<LogisticsDbContext>("/api/logistics");
app.MapLogisticsApi();

await app.MigrateDatabaseAsync<LogisticsDbContext>();
await app.RunAsync();

public partial class Program;
