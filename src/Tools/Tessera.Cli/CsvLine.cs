namespace Tessera.Cli;

/// <summary>Writes CSV records as docs/import.md describes them (RFC 4180 quoting).</summary>
internal static class CsvLine
{
    public static string Of(IEnumerable<string?> fields) => string.Join(',', fields.Select(Escape));

    private static string Escape(string? value) =>
        string.IsNullOrEmpty(value) ? ""
        : value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
        : value;
}
