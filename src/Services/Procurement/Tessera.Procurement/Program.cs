using Tessera.Procurement;
using Tessera.Procurement.Data;
using Tessera.Messaging;
using Tessera.ServiceDefaults;
using Tessera.ServiceDefaults.Data;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("procurement");
builder.AddProcurement();

var app = builder.Build();
app.UseServiceDefaults();
app.MapDefaultEndpoints();
app.MapMessaging<ProcurementDbContext>("/api/procurement");
app.MapProcurementApi();

await app.MigrateDatabaseAsync<ProcurementDbContext>();
await app.RunAsync();

public partial class Program;
