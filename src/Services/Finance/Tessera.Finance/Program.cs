using Tessera.Finance;
using Tessera.Finance.Data;
using Tessera.Messaging;
using Tessera.ServiceDefaults;
using Tessera.ServiceDefaults.Data;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("finance");
builder.AddFinance();

var app = builder.Build();
app.UseServiceDefaults();
app.MapDefaultEndpoints();
app.MapMessaging<FinanceDbContext>("/api/finance");
app.MapFinanceApi();

await app.MigrateDatabaseAsync<FinanceDbContext>();
await app.RunAsync();

public partial class Program;
