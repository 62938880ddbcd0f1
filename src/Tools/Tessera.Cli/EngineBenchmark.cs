using System.Diagnostics;
using System.Globalization;
using DuckDB.NET.Data;
using Microsoft.Data.Sqlite;
using Spectre.Console;

namespace Tessera.Cli;

/// <summary>
/// tessera bench engines: the same rows and the same aggregations in DuckDB and in SQLite, in this process (the figures
/// of docs/adr/0018 that chose the warehouse's engine). Wall time and this process's CPU time per query.
/// </summary>
public static class EngineBenchmark
{
    public static async Task<int> RunAsync(int rows, int repeats, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"tessera-bench-engines-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            using var duck = new DuckDBConnection($"Data Source={Path.Combine(folder, "engines.duckdb")};threads=2");
            duck.Open();
            using var lite = new SqliteConnection($"Data Source={Path.Combine(folder, "engines.db")};Pooling=False");
            lite.Open();
            var table = new Table().AddColumns("Step", "DuckDB", "SQLite", "SQLite ÷ DuckDB");
            var (duckLoad, liteLoad) = (Time(() => LoadDuck(duck, rows)), Time(() => LoadLite(lite, rows)));
            table.AddRow($"load {rows:N0} rows", Ms(duckLoad.Wall), Ms(liteLoad.Wall), Ratio(liteLoad.Wall, duckLoad.Wall));
            var queries = new (string Name, string Duck, string Lite)[]
            {
                ("sum and count per date × channel", "SELECT d, channel, count(*), sum(qty), sum(amount) FROM lines GROUP BY d, channel",
                    "SELECT d, channel, count(*), sum(qty), sum(amount) FROM lines GROUP BY d, channel"),
                ("one month per category",
                    "SELECT category, sum(amount) FROM lines WHERE d BETWEEN DATE '2025-03-01' AND DATE '2025-03-31' GROUP BY category",
                    "SELECT category, sum(amount) FROM lines WHERE d BETWEEN '2025-03-01' AND '2025-03-31' GROUP BY category"),
            };
            foreach (var (name, duckSql, liteSql) in queries)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var d = Enumerable.Range(0, repeats).Select(_ => Time(() => Read(duck, duckSql))).ToList();
                var l = Enumerable.Range(0, repeats).Select(_ => Time(() => Read(lite, liteSql))).ToList();
                var (dm, lm) = (d.Skip(1).Select(t => t.Wall).DefaultIfEmpty(d[0].Wall).Min(), l.Skip(1).Select(t => t.Wall).DefaultIfEmpty(l[0].Wall).Min());
                table.AddRow(name, $"{Ms(dm)} (CPU {Ms(d.Min(t => t.Cpu))})", $"{Ms(lm)} (CPU {Ms(l.Min(t => t.Cpu))})", Ratio(lm, dm));
            }
            AnsiConsole.Write(table);
            await Task.CompletedTask;
            return 0;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string Ms(TimeSpan t) => t.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms";

    private static string Ratio(TimeSpan a, TimeSpan b) => (a.TotalMilliseconds / b.TotalMilliseconds).ToString("0.0", CultureInfo.InvariantCulture) + "×";

    private static (TimeSpan Wall, TimeSpan Cpu) Time(Action action)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        action();
        return (clock.Elapsed, Process.GetCurrentProcess().TotalProcessorTime - cpu);
    }

    private static void LoadDuck(DuckDBConnection connection, int rows)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            CREATE TABLE lines AS SELECT (DATE '2025-01-01' + CAST(i % 365 AS INTEGER)) AS d, CAST(i % 4 AS INTEGER) AS channel,
                CAST(i % 50 AS INTEGER) AS category, CAST((i * 7919) % 10 + 1 AS DECIMAL(18,4)) AS qty, CAST((i * 104729) % 500000 AS DECIMAL(18,4)) AS amount
            FROM range({rows}) t(i)
            """;
        command.ExecuteNonQuery();
    }

    private static void LoadLite(SqliteConnection connection, int rows)
    {
        using (var create = connection.CreateCommand())
        {
            create.CommandText = "PRAGMA journal_mode=WAL; CREATE TABLE lines (d TEXT, channel INTEGER, category INTEGER, qty REAL, amount REAL);";
            create.ExecuteNonQuery();
        }
        using var transaction = connection.BeginTransaction();
        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO lines VALUES ($d, $c, $k, $q, $a)";
        var (d, c, k, q, a) = (insert.Parameters.Add("$d", SqliteType.Text), insert.Parameters.Add("$c", SqliteType.Integer),
            insert.Parameters.Add("$k", SqliteType.Integer), insert.Parameters.Add("$q", SqliteType.Real), insert.Parameters.Add("$a", SqliteType.Real));
        insert.Prepare();
        var start = new DateOnly(2025, 1, 1);
        for (long i = 0; i < rows; i++)
        {
            (d.Value, c.Value, k.Value, q.Value, a.Value) =
                (start.AddDays((int)(i % 365)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), i % 4, i % 50, (i * 7919) % 10 + 1, (i * 104729) % 500000);
            insert.ExecuteNonQuery();
        }
        transaction.Commit();
    }

    private static void Read(System.Data.Common.DbConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
        }
    }
}
