using Microsoft.AspNetCore.Identity;
using Tessera.ServiceDefaults;
using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Validation;
using Tessera.Web.Data;
using Tessera.Web.FrontEnd;
using Tessera.Web.Gateway;
using Tessera.Web.Identity;
using Tessera.Web.Operations;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("web");
builder.AddServiceDatabase<WebDbContext>(m => m.Add("web", typeof(WebDbContext).Assembly));
builder.Services.Configure<BootstrapOptions>(builder.Configuration.GetSection(BootstrapOptions.Section));
builder.Services.AddScoped<IPasswordHasher<UserRecord>, PasswordHasher<UserRecord>>();
builder.Services.AddScoped<Accounts>();
builder.Services.AddValidatorsFrom(typeof(Program).Assembly);
builder.AddWebAuthentication();
builder.AddGateway();
builder.AddFrontEnd();
builder.AddOperations();

var app = builder.Build();
app.UseSecurityHeaders();
app.UsePathGuard();
app.UseStaticFiles();
app.UseServiceDefaults();
app.UseFrontEnd();
app.UseRateLimiter();
app.MapDefaultEndpoints();
IdentityEndpoints.Map(app);
app.MapOperationsApi();
app.MapGateway();
app.MapFrontEnd();

await app.MigrateDatabaseAsync<WebDbContext>();
await DemoTenantBootstrap.RunAsync(app);
await app.RunAsync();

public partial class Program;
