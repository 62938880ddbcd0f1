using System.Text;

namespace Tessera.Orders.Import;

/// <summary>
/// Reads RFC 4180 CSV: fields separated by commas, optionally in double quotes, where a quoted field may hold commas,
/// line breaks and doubled quotes (""). Lines end with LF or CRLF. Unquoted fields are trimmed.
/// </summary>
public sealed class CsvRecords(TextReader reader)
{
    private readonly StringBuilder _field = new();

    /// <summary>A field as it must be written: quoted when it holds a comma, a quote or a line break.</summary>
    public static string Escape(string? value) =>
        string.IsNullOrEmpty(value) ? ""
        : value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
        : value;

    /// <summary>One record as a line of the file (without its line break).</summary>
    public static string Line(IEnumerable<string?> fields) => string.Join(',', fields.Select(Escape));

    /// <summary>The next record, or null at the end of the file. A blank line is a record with one empty field.</summary>
    public string[]? Read()
    {
        var next = reader.Peek();
        if (next < 0)
            return null;

        var fields = new List<string>();
        _field.Clear();
        var quoted = false;
        var wasQuoted = false;
        while (true)
        {
            var c = reader.Read();
            if (c < 0)
            {
                fields.Add(Field(wasQuoted));
                return fields.ToArray();
            }
            if (quoted)
            {
                if (c == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        reader.Read();
                        _field.Append('"');
                    }
                    else
                        quoted = false;
                }
                else
                    _field.Append((char)c);
                continue;
            }
            switch (c)
            {
                case '"' when _field.ToString().Trim().Length == 0:
                    _field.Clear();
                    quoted = wasQuoted = true;
                    break;
                case ',':
                    fields.Add(Field(wasQuoted));
                    wasQuoted = false;
                    break;
                case '\r' when reader.Peek() == '\n':
                    break;
                case '\n':
                    fields.Add(Field(wasQuoted));
                    return fields.ToArray();
                case ' ' or '\t' when wasQuoted:
                    break; // between a closing quote and the comma
                default:
                    _field.Append((char)c);
                    break;
            }
        }
    }

    private string Field(bool wasQuoted)
    {
        var value = wasQuoted ? _field.ToString() : _field.ToString().Trim();
        _field.Clear();
        return value;
    }
}
