using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tessera.Orders.Contracts;
using Tessera.Orders.Data;
using Tessera.ServiceDefaults.Security;

namespace Tessera.Orders.Privacy;

/// <summary>
/// Key rotation for personal data (operators): new writes use the new key at once, old rows stay readable, and a
/// background job re-encrypts them; the status says how many rows each key version still protects.
/// </summary>
public static class PersonalDataEndpoints
{
    public static void Map(RouteGroupBuilder orders)
    {
        var group = orders.MapGroup("/personal-data").WithTags("Personal data").RequireAuthorization(p => p.RequireRole(Roles.Operator));
        group.MapGet("/", Status).WithName("PersonalDataStatus");
        group.MapPost("/rotate-key", Rotate).WithName("RotatePersonalDataKey")
            .WithSummary("Make a new key current for personal data; existing orders are re-encrypted in the background.");
    }

    private static async Task<Ok<PersonalDataStatusDto>> Rotate(PersonalDataKeyRing ring, ReencryptionSignal signal, OrdersDbContext db,
        OrdersArchiveDbContext archive, CancellationToken cancellationToken)
    {
        ring.Rotate();
        signal.Wake();
        return await Status(ring, db, archive, cancellationToken);
    }

    private static async Task<Ok<PersonalDataStatusDto>> Status(PersonalDataKeyRing ring, OrdersDbContext db, OrdersArchiveDbContext archive,
        CancellationToken cancellationToken)
    {
        var current = ring.Current.Current;
        var live = await KeyVersions(db.Database, "SELECT customer_name AS \"Value\" FROM orders", cancellationToken);
        var archived = await KeyVersions(archive.Database, archive.IsPostgres
            ? "SELECT (document::json -> 'customer' ->> 'name') AS \"Value\" FROM archived_orders"
            : "SELECT json_extract(document, '$.customer.name') AS Value FROM archived_orders", cancellationToken);
        var versions = live.Keys.Union(archived.Keys).Order().ToList();
        var usage = versions.Select(v => new KeyUsageDto(v, live.GetValueOrDefault(v), archived.GetValueOrDefault(v))).ToList();
        return TypedResults.Ok(new PersonalDataStatusDto(current, usage, usage.All(u => u.KeyVersion == current)));
    }

    private static async Task<Dictionary<int, int>> KeyVersions(Microsoft.EntityFrameworkCore.Infrastructure.DatabaseFacade database, string sql,
        CancellationToken cancellationToken)
    {
        var values = await database.SqlQueryRaw<string>(sql).ToListAsync(cancellationToken);
        return values.GroupBy(PersonalDataProtector.KeyVersionOf).ToDictionary(g => g.Key, g => g.Count());
    }
}
