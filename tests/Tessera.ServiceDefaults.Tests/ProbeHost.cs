using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Hosting;
using Tessera.ServiceDefaults.Security;
using Tessera.Testing;

namespace Tessera.ServiceDefaults.Tests;

public enum ProbeKind
{
    Retail,
    Wholesale,
}

public sealed record ProbeLine(string Sku, decimal Quantity);

public sealed record ProbeRequest(
    string Name, decimal Amount, int Count, Guid Id, DateOnly Day, DateTimeOffset At, ProbeKind Kind, List<ProbeLine> Lines,
    Dictionary<string, JsonElement>? Attributes = null);

/// <summary>Two request records with the same short name, as two features of one service have.</summary>
public static class FirstFeature
{
    public sealed record Request(string Code, decimal Limit);
}

public static class SecondFeature
{
    public sealed record Request(Guid SupplierId, List<ProbeLine> Lines, string? Note);
}

/// <summary>A service made of nothing but the platform's defaults and a few endpoints that bind every kind of value.</summary>
public sealed class ProbeHost : IAsyncLifetime
{
    private readonly TempDirectory _data = new("tessera-probe");
    private WebApplication? _app;

    public HttpClient Client { get; private set; } = null!;

    public string DataDir => _data.Path;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        builder.WebHost.UseTestServer();
        builder.Configuration["Tessera:DataDir"] = _data.Path;
        builder.Configuration["Logging:LogLevel:Default"] = "Warning";
        builder.AddServiceDefaults("probe");
        _app = builder.Build();
        _app.UseServiceDefaults();
        _app.MapDefaultEndpoints();
        _app.MapPost("/api/probe", (ProbeRequest request) => Results.Ok(request)).AllowAnonymous();
        _app.MapGet("/api/probe", (int page, Guid? after) => Results.Ok(new { page, after })).AllowAnonymous();
        _app.MapPost("/api/probe/first", (FirstFeature.Request request) => Results.Ok(request)).RequireRoles(Roles.Purchasing);
        _app.MapPost("/api/probe/second", (SecondFeature.Request request) => Results.Ok(request)).RequireRoles(Roles.Sales, Roles.Warehouse);
        _app.MapGet("/api/probe/anyone", () => Results.Ok());
        // What a save reports when another writer changed the row first (on PostgreSQL two requests can pass the same
        // version check at once).
        _app.MapPut("/api/probe/raced", IResult () => throw new Microsoft.EntityFrameworkCore.DbUpdateConcurrencyException("changed")).AllowAnonymous();
        await _app.StartAsync();
        Client = _app.GetTestClient();
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
            await _app.DisposeAsync();
        _data.Dispose();
    }
}
