using System.Text.Json;
using Microsoft.Data.Sqlite;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

// A bare single-hop endpoint doing the durable write of an order placement, and nothing else: HTTP, EF Core, SQLite in
// WAL mode with synchronous=FULL, an order row and an outbox row in one transaction, writers queued one at a time (as
// Tessera's write gate does). `tessera bench flow` starts it beside Tessera and reports every figure as a ratio of it.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
var file = builder.Configuration["data"] ?? Path.Combine(Path.GetTempPath(), $"tessera-bare-{Environment.ProcessId}.db");
var connection = new SqliteConnectionStringBuilder { DataSource = file, Pooling = true }.ToString();
builder.Services.AddDbContext<BareDb>(o => o.UseSqlite(connection).AddInterceptors(new DurablePragmas()));
builder.Services.AddSingleton(new SemaphoreSlim(1, 1));
var app = builder.Build();

await using (var scope = app.Services.CreateAsyncScope())
{
    var db = scope.ServiceProvider.GetRequiredService<BareDb>();
    await db.Database.EnsureCreatedAsync();
    await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
}

app.MapGet("/health", () => Results.Ok());
app.MapPost("/orders", async (PlaceRequest request, BareDb db, SemaphoreSlim gate, CancellationToken cancellationToken) =>
{
    if (request.Lines is not { Count: > 0 } || request.Lines.Any(l => string.IsNullOrWhiteSpace(l.Sku) || l.Quantity <= 0))
        return Results.ValidationProblem(new Dictionary<string, string[]> { ["lines"] = ["An order needs lines with a SKU and a positive quantity."] });
    var order = new BareOrder { Id = Guid.CreateVersion7(), Customer = request.Customer?.Name ?? "", Lines = JsonSerializer.Serialize(request.Lines), PlacedAt = DateTime.UtcNow };
    var payload = JsonSerializer.Serialize(new { order.Id, request.Lines });
    await gate.WaitAsync(cancellationToken);
    try
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.Orders.Add(order);
        db.Outbox.Add(new BareOutbox { MessageId = Guid.CreateVersion7(), Type = "OrderPlaced", Payload = payload, OccurredAt = order.PlacedAt });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
    finally
    {
        gate.Release();
    }
    return Results.Created($"/orders/{order.Id}", new { id = order.Id, status = "Pending" });
});
app.Run();

internal sealed record PlaceLine(string Sku, decimal Quantity, decimal UnitPrice);

internal sealed record PlaceCustomer(string? Name, string? Phone);

internal sealed record PlaceRequest(string? Channel, PlaceCustomer? Customer, List<PlaceLine>? Lines);

internal sealed class BareOrder
{
    public Guid Id { get; set; }
    public string Customer { get; set; } = "";
    public string Lines { get; set; } = "";
    public DateTime PlacedAt { get; set; }
}

internal sealed class BareOutbox
{
    public long Position { get; set; }
    public Guid MessageId { get; set; }
    public string Type { get; set; } = "";
    public string Payload { get; set; } = "";
    public DateTime OccurredAt { get; set; }
}

internal sealed class BareDb(DbContextOptions<BareDb> options) : DbContext(options)
{
    public DbSet<BareOrder> Orders => Set<BareOrder>();
    public DbSet<BareOutbox> Outbox => Set<BareOutbox>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) =>
        modelBuilder.Entity<BareOutbox>().HasKey(m => m.Position);
}

/// <summary>The same per-connection settings as Tessera's databases with an outbox: a commit survives power loss.</summary>
internal sealed class DurablePragmas : DbConnectionInterceptor
{
    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA synchronous=FULL; PRAGMA busy_timeout=30000;";
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA synchronous=FULL; PRAGMA busy_timeout=30000;";
        command.ExecuteNonQuery();
    }
}
