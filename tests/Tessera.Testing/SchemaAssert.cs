using System.Data.Common;
using Shouldly;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Tessera.Testing;

/// <summary>
/// The hand-written migrations create every table and column the EF model maps (they drift silently otherwise). On
/// PostgreSQL, which unlike SQLite refuses a value of the wrong type, each column's type must also be the model's.
/// </summary>
public static class SchemaAssert
{
    public static void MatchesModel(DbContext db)
    {
        var connection = db.Database.GetDbConnection();
        var sqlite = db.Database.IsSqlite();
        db.Database.OpenConnection();
        try
        {
            var problems = new List<string>();
            foreach (var entity in db.Model.GetEntityTypes())
            {
                var table = entity.GetTableName();
                if (table is null)
                    continue;
                var columns = Columns(connection, table, sqlite);
                if (columns.Count == 0)
                {
                    problems.Add($"table {table} is missing");
                    continue;
                }
                var store = StoreObjectIdentifier.Table(table, entity.GetSchema());
                var mapped = entity.GetProperties()
                    .Concat(entity.GetComplexProperties().SelectMany(c => c.ComplexType.GetProperties()))
                    .Select(p => (Name: p.GetColumnName(store), Type: p.GetColumnType(store)));
                foreach (var (name, type) in mapped)
                {
                    if (name is null)
                        continue;
                    if (!columns.TryGetValue(name, out var actual))
                        problems.Add($"column {table}.{name} is missing");
                    else if (!sqlite && BaseType(type) != actual)
                        problems.Add($"column {table}.{name} is {actual}, the model maps {type}");
                }
            }
            problems.ShouldBeEmpty();
        }
        finally
        {
            db.Database.CloseConnection();
        }
    }

    /// <summary>"numeric(18,2)" and "character varying(64)" are "numeric" and "character varying" in information_schema.</summary>
    private static string BaseType(string type) => type.Split('(')[0].Trim().ToLowerInvariant();

    private static Dictionary<string, string> Columns(DbConnection connection, string table, bool sqlite)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sqlite
            ? $"SELECT name, type FROM pragma_table_info('{table}')"
            : $"SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = '{table}'";
        using var reader = command.ExecuteReader();
        var columns = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        while (reader.Read())
            columns[reader.GetString(0)] = reader.GetString(1).ToLowerInvariant();
        return columns;
    }
}
