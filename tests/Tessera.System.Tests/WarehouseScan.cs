using DuckDB.NET.Data;

namespace Tessera.System.Tests;

/// <summary>Reads a warehouse file read-only and looks for text in every text and JSON column of every table and view.</summary>
public static class WarehouseScan
{
    public sealed record Result(int Columns, long Rows, IReadOnlyList<string> Found);

    public static Result TextColumnsContaining(string file, IReadOnlyList<string> values)
    {
        using var connection = new DuckDBConnection($"Data Source={file};ACCESS_MODE=READ_ONLY");
        connection.Open();
        var columns = new List<(string Table, string Column)>();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = """
                SELECT table_name, column_name FROM information_schema.columns
                WHERE table_schema = 'main' AND (data_type = 'VARCHAR' OR data_type = 'JSON')
                """;
            using var reader = command.ExecuteReader();
            while (reader.Read())
                columns.Add((reader.GetString(0), reader.GetString(1)));
        }
        var found = new List<string>();
        long rows = 0;
        foreach (var table in columns.GroupBy(c => c.Table))
        {
            using (var count = connection.CreateCommand())
            {
                count.CommandText = $"SELECT count(*) FROM \"{table.Key}\"";
                rows += Convert.ToInt64(count.ExecuteScalar(), global::System.Globalization.CultureInfo.InvariantCulture);
            }
            foreach (var (_, column) in table)
                foreach (var value in values)
                {
                    using var command = connection.CreateCommand();
                    command.CommandText = $"SELECT count(*) FROM \"{table.Key}\" WHERE contains(CAST(\"{column}\" AS VARCHAR), $value)";
                    command.Parameters.Add(new DuckDBParameter("value", value));
                    if (Convert.ToInt64(command.ExecuteScalar(), global::System.Globalization.CultureInfo.InvariantCulture) > 0)
                        found.Add($"{table.Key}.{column} holds '{value}'");
                }
        }
        return new Result(columns.Count, rows, found);
    }
}
