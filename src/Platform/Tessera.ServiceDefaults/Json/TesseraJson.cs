using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tessera.ServiceDefaults.Json;

/// <summary>The one JSON shape used on the wire and in stored payloads: camelCase, enums as names.</summary>
public static class TesseraJson
{
    public static readonly JsonSerializerOptions Options = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    /// <summary>
    /// What request bodies are read with (<see cref="ConfigureInput"/>); stored payloads and other services' answers
    /// are read with <see cref="Options"/>, which does not refuse what the services themselves wrote.
    /// </summary>
    public static readonly JsonSerializerOptions Input = ConfigureInput(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        if (!options.Converters.OfType<JsonStringEnumConverter>().Any())
            options.Converters.Add(new JsonStringEnumConverter());
        if (!options.Converters.Any(c => c is NormalizedDecimalConverter or BoundedDecimalConverter))
            options.Converters.Add(new NormalizedDecimalConverter());
        return options;
    }

    /// <summary>
    /// The same shape, strict about what a client sends: a key given twice is refused (the last one must not win
    /// silently), text is clean and bounded (<see cref="TextRules"/>), numbers stay within ±10^15 and moments carry an
    /// offset. Each refusal is a <see cref="JsonException"/> with the path of the field.
    /// </summary>
    public static JsonSerializerOptions ConfigureInput(JsonSerializerOptions options)
    {
        options.AllowDuplicateProperties = false;
        options.Converters.Insert(0, new GuardedStringConverter());
        options.Converters.Insert(0, new GuardedJsonElementConverter());
        options.Converters.Insert(0, new BoundedDecimalConverter());
        options.Converters.Insert(0, new OffsetDateTimeConverter());
        return Configure(options);
    }
}

/// <summary>
/// Writes decimals without trailing zeros (3, not 3.0): SQLite hands back the scale a value was stored with, and
/// clients should not see the storage format.
/// </summary>
public sealed class NormalizedDecimalConverter : JsonConverter<decimal>
{
    public override decimal Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && decimal.TryParse(reader.GetString(), System.Globalization.NumberStyles.Number,
            System.Globalization.CultureInfo.InvariantCulture, out var parsed)
            ? parsed
            : reader.GetDecimal();

    public override void Write(Utf8JsonWriter writer, decimal value, JsonSerializerOptions options) => WriteNormalized(writer, value);

    internal static void WriteNormalized(Utf8JsonWriter writer, decimal value) => writer.WriteNumberValue(value / 1.0000000000000000000000000000m);
}
