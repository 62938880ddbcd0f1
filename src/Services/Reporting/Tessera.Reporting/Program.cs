using Tessera.Messaging;
using Tessera.Reporting;
using Tessera.Reporting.Data;
using Tessera.ServiceDefaults;
using Tessera.ServiceDefaults.Data;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("reporting");
builder.AddReporting();

var app = builder.Build();
app.UseServiceDefaults();
app.MapDefaultEndpoints();
app.MapMessaging<ReportingDbContext>("/api/reporting");
app.MapReportingApi();

await app.MigrateDatabaseAsync<ReportingDbContext>();
await app.RunAsync();

public partial class Program;
