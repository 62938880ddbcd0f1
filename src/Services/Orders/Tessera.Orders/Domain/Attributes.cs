using System.Globalization;
using System.Text.Json;
using Tessera.ServiceDefaults.Data;
using Tessera.ServiceDefaults.Tenancy;

namespace Tessera.Orders.Domain;

public enum AttributeType
{
    Text,
    Number,
    Date,
    Boolean,
    Choice,
}

/// <summary>A tenant's own field on orders ("gift wrap", "sales rep"): its type, whether it is required, and for a choice its values.</summary>
public sealed class AttributeDefinition : ITenantOwned, IVersioned
{
    public string TenantId { get; set; } = "";
    public string Name { get; set; } = "";
    public string Label { get; set; } = "";
    public AttributeType Type { get; set; }
    public bool Required { get; set; }

    /// <summary>JSON array of the allowed values of a choice.</summary>
    public string AllowedValues { get; set; } = "[]";

    public long Version { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    public IReadOnlyList<string> Allowed => JsonSerializer.Deserialize<List<string>>(AllowedValues) ?? [];
}

/// <summary>
/// Checks attribute values against the tenant's definitions and normalizes them to text (numbers invariant, dates
/// yyyy-MM-dd, booleans true/false) so that search compares like with like.
/// </summary>
public static class AttributeRules
{
    public const int MaxTextLength = 200;
    public const string NamePattern = "^[a-z][a-z0-9_]{0,39}$";

    public static (Dictionary<string, string> Values, List<(string Field, string Message)> Errors) Normalize(
        IReadOnlyDictionary<string, JsonElement>? input, IReadOnlyList<AttributeDefinition> definitions)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var errors = new List<(string Field, string Message)>();
        var byName = definitions.ToDictionary(d => d.Name, StringComparer.Ordinal);

        foreach (var (name, value) in input ?? new Dictionary<string, JsonElement>())
        {
            var field = $"attributes.{name}";
            if (!byName.TryGetValue(name, out var definition))
            {
                errors.Add((field, $"No attribute '{name}' is defined for orders. Define it in the order attribute settings first."));
                continue;
            }
            if (value.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
                continue;
            if (TryNormalize(definition, value, out var normalized, out var problem))
                values[name] = normalized;
            else
                errors.Add((field, problem));
        }

        foreach (var required in definitions.Where(d => d.Required && !values.ContainsKey(d.Name)))
            errors.Add(($"attributes.{required.Name}", $"'{required.Label}' is required."));
        return (values, errors);
    }

    public static string Normalize(AttributeDefinition definition, string text) =>
        TryNormalize(definition, JsonDocument.Parse(JsonSerializer.Serialize(text)).RootElement, out var value, out _) ? value : text;

    private static bool TryNormalize(AttributeDefinition definition, JsonElement value, out string normalized, out string problem)
    {
        normalized = "";
        problem = "";
        var text = value.ValueKind == JsonValueKind.String ? value.GetString()!.Trim() : value.GetRawText();
        switch (definition.Type)
        {
            case AttributeType.Text:
                if (value.ValueKind is not (JsonValueKind.String or JsonValueKind.Number) || text.Length > MaxTextLength)
                    return Fail($"'{definition.Label}' is text of at most {MaxTextLength} characters.", out problem);
                normalized = text;
                return true;
            case AttributeType.Number:
                if (!decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var number))
                    return Fail($"'{definition.Label}' is a number.", out problem);
                normalized = (number / 1.0000000000000000000000000000m).ToString(CultureInfo.InvariantCulture);
                return true;
            case AttributeType.Date:
                if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                    return Fail($"'{definition.Label}' is a date written yyyy-mm-dd.", out problem);
                normalized = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                return true;
            case AttributeType.Boolean:
                if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
                    normalized = value.GetBoolean() ? "true" : "false";
                else if (bool.TryParse(text, out var flag))
                    normalized = flag ? "true" : "false";
                else
                    return Fail($"'{definition.Label}' is true or false.", out problem);
                return true;
            case AttributeType.Choice:
                var allowed = definition.Allowed;
                if (!allowed.Contains(text, StringComparer.Ordinal))
                    return Fail($"'{definition.Label}' is one of: {string.Join(", ", allowed)}.", out problem);
                normalized = text;
                return true;
            default:
                return Fail("Unknown attribute type.", out problem);
        }
    }

    private static bool Fail(string message, out string problem)
    {
        problem = message;
        return false;
    }
}
