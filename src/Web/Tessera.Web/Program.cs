using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Tessera.ServiceDefaults;
using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Hosting;
using Tessera.ServiceDefaults.Security;
using Tessera.ServiceDefaults.Validation;
using Tessera.Web.Data;
using Tessera.Web.Gateway;
using Tessera.Web.Identity;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("web");
builder.AddServiceDatabase<WebDbContext>(m => m.Add("web", typeof(WebDbContext).Assembly));
builder.Services.Configure<BootstrapOptions>(builder.Configuration.GetSection(BootstrapOptions.Section));
builder.Services.AddScoped<IPasswordHasher<UserRecord>, PasswordHasher<UserRecord>>();
builder.Services.AddScoped<Accounts>();
builder.Services.AddValidatorsFrom(typeof(Program).Assembly);

// The public API accepts access tokens signed with a key only the web front-end holds.
builder.Services.AddKeyedSingleton(TokenAudiences.Api, (sp, _) =>
    new SignedTokenCodec([sp.GetRequiredService<SecretStore>().GetOrCreateKey("access-token")], sp.GetRequiredService<TimeProvider>()));
builder.Services.AddAuthentication()
    .AddScheme<TokenAuthenticationOptions, TokenAuthenticationHandler>(AccessTokens.Scheme, o =>
    {
        o.Audience = TokenAudiences.Api;
        o.CodecKey = TokenAudiences.Api;
    });
builder.Services.Configure<AuthenticationOptions>(o => o.DefaultScheme = AccessTokens.Scheme);

builder.Services.AddGatewayRateLimits(builder.Configuration);
builder.Services.AddHttpClient(ServiceForwarder.ClientName)
    .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
    {
        UseCookies = false,
        AllowAutoRedirect = false,
        UseProxy = false,
        ConnectTimeout = TimeSpan.FromSeconds(3),
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
    })
    .ConfigureHttpClient(c => c.Timeout = TimeSpan.FromSeconds(60));
builder.Services.AddSingleton<ServiceForwarder>();

var app = builder.Build();
app.UseServiceDefaults();
app.UseRateLimiter();
app.MapDefaultEndpoints();
HomePage.Map(app);
IdentityEndpoints.Map(app);
app.Map("/api/{service}/{**rest}", (HttpContext context, string service, ServiceForwarder forwarder) => forwarder.ForwardAsync(context, service))
    .RequireRateLimiting(RateLimits.Api)
    .ExcludeFromDescription();

await app.MigrateDatabaseAsync<WebDbContext>();
await DemoTenantBootstrap.RunAsync(app);
await app.RunAsync();

public partial class Program;

internal static class AccessTokens
{
    public const string Scheme = "AccessToken";
}
