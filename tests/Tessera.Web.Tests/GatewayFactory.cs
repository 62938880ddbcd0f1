using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Tessera.ServiceDefaults.Security;
using Tessera.Testing;
using Tessera.Web.Data;

namespace Tessera.Web.Tests;

/// <summary>
/// The web front-end in-process, with a real "catalog" on loopback that echoes what it received (method, path, query,
/// body and the claims of the token it was given), and an "inventory" and "orders" whose ports nobody listens on.
/// </summary>
public sealed class GatewayFactory : ServiceFactory<Program, WebDbContext>, IAsyncLifetime
{
    public const string AdminPassword = "demo-password-123";
    private readonly int _echoPort = Ports.Free();
    private WebApplication? _echo;
    private int _echoCalls;

    /// <summary>How many requests reached the echoing "catalog".</summary>
    public int EchoCalls => Volatile.Read(ref _echoCalls);

    // An installation without finance: a new tenant is created without books (FinancePagesTests cover the books).
    protected override IReadOnlyList<string> AbsentServices => ["finance"];

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Tessera:Bootstrap:AdminPassword"] = AdminPassword,
        ["Tessera:Services:catalog"] = $"http://127.0.0.1:{_echoPort}",
        ["Tessera:Services:inventory"] = $"http://127.0.0.1:{Ports.Free()}",
        ["Tessera:Services:orders"] = $"http://127.0.0.1:{Ports.Free()}",
        ["Tessera:RateLimit:ApiBurst"] = "20",
        ["Tessera:RateLimit:ApiPerSecond"] = "1",
        ["Tessera:RateLimit:SignInPerMinute"] = "1000",
    };

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{_echoPort}");
        _echo = builder.Build();
        // A service killed half-way through its answer: a promised length, the first bytes, then the connection drops.
        _echo.Map("/api/catalog/cut-off", async (HttpContext context) =>
        {
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = 1000;
            await context.Response.WriteAsync("[{\"sku\":\"TEA");
            await context.Response.Body.FlushAsync();
            await Task.Delay(300); // the gateway has the status line by then (a reset that overtakes it makes the call a 503)
            context.Abort();
        });
        _echo.Map("/{**path}", async (HttpContext context) =>
        {
            Interlocked.Increment(ref _echoCalls);
            var token = context.Request.Headers.Authorization.ToString()["Bearer ".Length..];
            var claims = TestTokens.Codec(DataDir).Validate(token, TokenAudiences.Internal).Claims;
            using var reader = new StreamReader(context.Request.Body);
            return Results.Json(new EchoReply(context.Request.Method, context.Request.Path, context.Request.QueryString.Value ?? "",
                await reader.ReadToEndAsync(), claims?.Subject, claims?.Tenant, claims?.Roles.ToArray(), claims is null ? null : (claims.ExpiresAt - claims.IssuedAt).TotalSeconds,
                context.Request.Headers["Idempotency-Key"].ToString(), context.Request.Headers.Cookie.ToString()), statusCode: 201);
        });
        await _echo.StartAsync();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        if (_echo is not null)
            await _echo.DisposeAsync();
    }
}

public sealed record EchoReply(string Method, string Path, string Query, string Body, string? Subject, string? Tenant, string[]? Roles,
    double? LifetimeSeconds, string IdempotencyKey, string Cookie);
