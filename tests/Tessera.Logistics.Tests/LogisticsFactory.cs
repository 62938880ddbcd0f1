using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Tessera.Logistics.Data;
using Tessera.Logistics.Features;
using Tessera.Testing;

namespace Tessera.Logistics.Tests;

/// <summary>Logistics in-process, with inventory's warehouse lookup answered by a stub.</summary>
public sealed class LogisticsFactory : LogisticsFactoryBase;

public abstract class LogisticsFactoryBase : ServiceFactory<Program, LogisticsDbContext>
{
    protected LogisticsFactoryBase() => Inventory = new StubHandler(request =>
    {
        var code = Uri.UnescapeDataString(request.RequestUri!.AbsolutePath.Split('/').Last());
        return Warehouses.ContainsKey(code)
            ? StubHandler.Json($"{{\"id\":\"{Guid.NewGuid()}\",\"code\":\"{code}\",\"name\":\"{code}\",\"createdAt\":\"2025-01-01T00:00:00Z\"}}")
            : StubHandler.Json("{\"title\":\"Warehouse not found\"}", HttpStatusCode.NotFound);
    });

    /// <summary>Warehouse codes inventory knows.</summary>
    public ConcurrentDictionary<string, bool> Warehouses { get; } = new(StringComparer.Ordinal) { ["HCM"] = true, ["HN"] = true, ["DN"] = true };

    public StubHandler Inventory { get; }

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Tessera:Services:inventory"] = "http://inventory.test",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddHttpClient<WarehouseDirectory>().ConfigurePrimaryHttpMessageHandler(() => Inventory));
    }
}
