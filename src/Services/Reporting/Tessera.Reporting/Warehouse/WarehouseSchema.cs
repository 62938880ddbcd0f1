using DuckDB.NET.Data;

namespace Tessera.Reporting.Warehouse;

/// <summary>
/// The tables every tenant warehouse has before any model runs: the ODS (raw events, uploads, manual entries), the
/// dates late events re-opened, and the book of what each run wrote (per partition and per model). Versioned steps,
/// applied in order when the file is opened.
/// </summary>
public static class WarehouseSchema
{
    public const string Events = "ods_events";
    public const string Uploads = "ods_uploads";
    public const string ManualEntries = "ods_manual_entries";
    public const string DirtyDates = "ods_dirty_dates";
    public const string Partitions = "_partitions";
    public const string Models = "_models";

    /// <summary>The ODS tables models may read with {{ ref('…') }}.</summary>
    public static readonly IReadOnlyList<string> Sources = [Events, Uploads, ManualEntries];

    private static readonly Dictionary<string, string> IngestTimeOf = new(StringComparer.Ordinal)
    {
        [Events] = "ingested_at",
        [Uploads] = "uploaded_at",
        [ManualEntries] = "entered_at",
    };

    /// <summary>
    /// A query for the high-water mark of an ODS source: its rows and its latest ingest time. The ODS is append-only —
    /// a load inserts, and the one update it makes (an event's opening date) comes with the opening event it inserts; a
    /// new time zone re-dates every event but also forgets every build — so a model that read a source at one mark has
    /// read exactly what the source holds while the mark stays. Null for a name that is no ODS source.
    /// </summary>
    public static string? WatermarkSql(string source) =>
        IngestTimeOf.TryGetValue(source, out var ingested)
            ? $"SELECT CAST(count(*) AS VARCHAR) || '@' || coalesce(CAST(max({ingested}) AS VARCHAR), '') FROM {source}"
            : null;

    private static readonly string[] Steps =
    [
        $"""
        CREATE TABLE {Events} (
            event_id UUID NOT NULL,
            producer VARCHAR NOT NULL,
            type VARCHAR NOT NULL,
            version INTEGER NOT NULL,
            tenant VARCHAR NOT NULL,
            aggregate_id VARCHAR NOT NULL,
            position BIGINT NOT NULL,
            occurred_at TIMESTAMPTZ NOT NULL,
            business_date DATE NOT NULL,
            ingested_at TIMESTAMPTZ NOT NULL,
            payload JSON NOT NULL,
            opening_date DATE NOT NULL);
        CREATE TABLE {Uploads} (
            upload_id UUID NOT NULL,
            source VARCHAR NOT NULL,
            row_no INTEGER NOT NULL,
            business_date DATE NOT NULL,
            payload JSON NOT NULL,
            uploaded_at TIMESTAMPTZ NOT NULL);
        CREATE TABLE {ManualEntries} (
            entry_id UUID NOT NULL,
            kind VARCHAR NOT NULL,
            entry_key VARCHAR NOT NULL,
            business_date DATE NOT NULL,
            payload JSON NOT NULL,
            entered_by VARCHAR NOT NULL,
            entered_at TIMESTAMPTZ NOT NULL);
        CREATE TABLE {DirtyDates} (business_date DATE NOT NULL, marked_at TIMESTAMPTZ NOT NULL);
        CREATE TABLE {Partitions} (
            model VARCHAR NOT NULL,
            business_date DATE NOT NULL,
            row_count BIGINT NOT NULL,
            checksum VARCHAR NOT NULL,
            run_id UUID NOT NULL,
            written_at TIMESTAMPTZ NOT NULL);
        CREATE TABLE {Models} (
            model VARCHAR NOT NULL,
            sql_hash VARCHAR NOT NULL,
            columns VARCHAR NOT NULL,
            row_count BIGINT,
            checksum VARCHAR,
            run_id UUID NOT NULL,
            built_at TIMESTAMPTZ NOT NULL,
            inputs VARCHAR);
        """,
    ];

    public static void Ensure(DuckDBConnection connection)
    {
        Execute(connection, "CREATE TABLE IF NOT EXISTS _schema (version INTEGER NOT NULL)");
        var version = Convert.ToInt32(Scalar(connection, "SELECT coalesce(max(version), 0) FROM _schema"), System.Globalization.CultureInfo.InvariantCulture);
        for (var step = version; step < Steps.Length; step++)
        {
            Execute(connection, "BEGIN TRANSACTION");
            try
            {
                Execute(connection, Steps[step]);
                Execute(connection, $"INSERT INTO _schema VALUES ({step + 1})");
                Execute(connection, "COMMIT");
            }
            catch
            {
                Execute(connection, "ROLLBACK");
                throw;
            }
        }
    }

    private static void Execute(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static object? Scalar(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
