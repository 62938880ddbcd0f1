using System.Text.Json;

namespace Tessera.System.Tests.Security;

/// <summary>Plausible JSON for a schema: every property given a value of its type, arrays with one element.</summary>
public static class SchemaSamples
{
    public static string Valid(OpenApiDocument document, JsonElement schema, int depth = 0)
    {
        schema = document.Resolve(schema);
        if (schema.ValueKind != JsonValueKind.Object)
            return "null";
        if (schema.TryGetProperty("enum", out var values))
            return values.EnumerateArray().First().GetRawText();
        var format = schema.TryGetProperty("format", out var f) ? f.GetString() : null;
        switch (RouteCatalog.TypeOf(schema), format)
        {
            case (_, "uuid"):
                return $"\"{Guid.NewGuid()}\"";
            case (_, "date"):
                return "\"2026-01-31\"";
            case (_, "date-time"):
                return "\"2026-01-31T10:00:00+07:00\"";
            case ("string", _):
                return "\"matrix\"";
            case ("integer", _) or ("number", _):
                return "1";
            case ("boolean", _):
                return "false";
            case ("array", _) when depth < 3 && schema.TryGetProperty("items", out var items):
                return $"[{Valid(document, items, depth + 1)}]";
            case ("array", _):
                return "[]";
            default:
                if (depth >= 3 || !schema.TryGetProperty("properties", out var properties))
                    return "{}";
                return "{" + string.Join(',', properties.EnumerateObject().Select(p => $"\"{p.Name}\":{Valid(document, p.Value, depth + 1)}")) + "}";
        }
    }
}
