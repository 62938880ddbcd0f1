using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Tessera.Inventory.Data;

namespace Tessera.Inventory.Ledger;

/// <summary>
/// Movements written before the ledger kept running balances (migration 0002) get theirs once, at start-up, before
/// the service takes traffic: each (tenant, SKU, warehouse)'s movements summed in id order, the order they were written in.
/// </summary>
public static class LedgerBackfill
{
    /// <returns>How many movements got a running balance.</returns>
    public static async Task<int> BackfillLedgerAsync(this IServiceProvider services, ILogger logger, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<InventoryDbContext>();
        await using var transaction = await db.BeginWriteAsync(cancellationToken);
        var connection = db.Database.GetDbConnection();
        var dbTransaction = db.Database.CurrentTransaction!.GetDbTransaction();

        await using (var probe = connection.CreateCommand())
        {
            probe.Transaction = dbTransaction;
            probe.CommandText = "SELECT EXISTS (SELECT 1 FROM movements WHERE balance_quantity IS NULL)";
            if (Convert.ToInt64(await probe.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) == 0)
                return 0;
        }

        var balances = new List<(long Id, decimal Quantity, decimal Value)>();
        var written = 0;
        await using (var read = connection.CreateCommand())
        {
            read.Transaction = dbTransaction;
            read.CommandText = "SELECT id, tenant_id, sku, warehouse, quantity, value FROM movements ORDER BY tenant_id, sku, warehouse, id";
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            (string, string, string) current = default;
            decimal quantity = 0, value = 0;
            while (await reader.ReadAsync(cancellationToken))
            {
                var key = (reader.GetString(1), reader.GetString(2), reader.GetString(3));
                if (key != current)
                    (current, quantity, value) = (key, 0, 0);
                quantity += Decimal(reader, 4);
                value += Decimal(reader, 5);
                balances.Add((reader.GetInt64(0), quantity, value));
            }
        }

        await using (var write = connection.CreateCommand())
        {
            write.Transaction = dbTransaction;
            write.CommandText = "UPDATE movements SET balance_quantity = @q, balance_value = @v WHERE id = @id AND balance_quantity IS NULL";
            var (id, q, v) = (write.CreateParameter(), write.CreateParameter(), write.CreateParameter());
            (id.ParameterName, q.ParameterName, v.ParameterName) = ("@id", "@q", "@v");
            write.Parameters.Add(id);
            write.Parameters.Add(q);
            write.Parameters.Add(v);
            foreach (var balance in balances)
            {
                id.Value = balance.Id;
                q.Value = Stored(balance.Quantity, db.IsPostgres);
                v.Value = Stored(balance.Value, db.IsPostgres);
                written += await write.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Wrote the running balances of {Count} movements recorded before the ledger kept them", written);
        return written;
    }

    /// <summary>A decimal column: text in SQLite (as EF Core's provider stores it), numeric in PostgreSQL.</summary>
    private static decimal Decimal(System.Data.Common.DbDataReader reader, int ordinal) =>
        reader.GetFieldType(ordinal) == typeof(string) ? decimal.Parse(reader.GetString(ordinal), CultureInfo.InvariantCulture) : reader.GetDecimal(ordinal);

    private static object Stored(decimal value, bool postgres) => postgres ? value : Text(value);

    /// <summary>Decimals as EF Core's SQLite provider stores them.</summary>
    private static string Text(decimal value) => value.ToString("0.0###########################", CultureInfo.InvariantCulture);
}
