using Shouldly;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Tessera.Testing;

/// <summary>The hand-written migrations create every table and column the EF model maps (they drift silently otherwise).</summary>
public static class SchemaAssert
{
    public static void MatchesModel(DbContext db)
    {
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        db.Database.OpenConnection();
        try
        {
            var problems = new List<string>();
            foreach (var entity in db.Model.GetEntityTypes())
            {
                var table = entity.GetTableName();
                if (table is null)
                    continue;
                var columns = Columns(connection, table);
                if (columns.Count == 0)
                {
                    problems.Add($"table {table} is missing");
                    continue;
                }
                var store = StoreObjectIdentifier.Table(table, entity.GetSchema());
                var mapped = entity.GetProperties().Select(p => p.GetColumnName(store))
                    .Concat(entity.GetComplexProperties().SelectMany(c => c.ComplexType.GetProperties().Select(p => p.GetColumnName(store))));
                problems.AddRange(mapped.Where(c => c is not null && !columns.Contains(c)).Select(c => $"column {table}.{c} is missing"));
            }
            problems.ShouldBeEmpty();
        }
        finally
        {
            db.Database.CloseConnection();
        }
    }

    private static HashSet<string> Columns(SqliteConnection connection, string table)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT name FROM pragma_table_info('{table}')";
        using var reader = command.ExecuteReader();
        var columns = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (reader.Read())
            columns.Add(reader.GetString(0));
        return columns;
    }
}
