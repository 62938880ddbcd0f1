using System.Text.Json;
using DuckDB.NET.Data;
using Tessera.Reporting.Warehouse;

namespace Tessera.Reporting.Modeling;

/// <summary>
/// A tenant's SQL must be exactly one SELECT: the engine's own parser says so (json_serialize_sql serializes SELECT
/// statements only and lists each statement), so no ATTACH, COPY, INSTALL, SET, PRAGMA, DDL or second statement gets
/// through, however it is spelled or commented. What a SELECT could still reach — files, the network, other databases,
/// extensions, settings — the warehouse's locked configuration refuses (TenantWarehouses).
/// </summary>
public static class SandboxCheck
{
    /// <returns>Null when the text is one SELECT, else why it is refused.</returns>
    public static async Task<string?> RefusalAsync(DuckDBConnection connection, string sql, CancellationToken cancellationToken)
    {
        var answer = (string?)await connection.ScalarAsync($"SELECT json_serialize_sql({Sql.Literal(sql)})", cancellationToken);
        using var document = JsonDocument.Parse(answer ?? "{}");
        var root = document.RootElement;
        if (root.TryGetProperty("error", out var error) && error.GetBoolean())
        {
            var message = root.TryGetProperty("error_message", out var m) ? m.GetString() : "the SQL could not be read";
            return message?.Contains("Only SELECT", StringComparison.Ordinal) == true
                ? "Only one SELECT statement is allowed; ATTACH, COPY, INSTALL, SET, PRAGMA, DDL and other statements are refused."
                : $"The SQL could not be parsed: {message}";
        }
        var statements = root.TryGetProperty("statements", out var list) ? list.GetArrayLength() : 0;
        return statements == 1 ? null : $"Exactly one SELECT statement is allowed; this text holds {statements}.";
    }
}
