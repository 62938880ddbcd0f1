using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Tessera.Testing;

/// <summary>
/// Everything a service's database holds, as text, for tests that look for data that must never be stored in plaintext:
/// the SQLite file and its write-ahead log byte for byte, or on PostgreSQL every row of every table of the database's
/// schema as PostgreSQL writes it out.
/// </summary>
public static class StoredText
{
    public static async Task<string> ReadAsync(DbContext db)
    {
        if (db.Database.IsSqlite())
        {
            var file = ((SqliteConnection)db.Database.GetDbConnection()).DataSource;
            return string.Concat(new[] { file, file + "-wal" }.Where(File.Exists).Select(f =>
            {
                using var stream = new FileStream(f, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                using var reader = new StreamReader(stream, System.Text.Encoding.Latin1);
                return reader.ReadToEnd();
            }));
        }
        // query_to_xml writes out every row of a table whose name it is given; one statement reads them all.
        var tables = await db.Database.SqlQuery<string>($"""
            SELECT query_to_xml(format('SELECT * FROM %I', table_name), true, false, '')::text AS "Value"
            FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
            """).ToListAsync();
        return string.Join('\n', tables);
    }
}
