using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tessera.ServiceDefaults.Json;

/// <summary>The one JSON shape used on the wire and in stored payloads: camelCase, enums as names.</summary>
public static class TesseraJson
{
    public static readonly JsonSerializerOptions Options = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        if (!options.Converters.OfType<JsonStringEnumConverter>().Any())
            options.Converters.Add(new JsonStringEnumConverter());
        if (!options.Converters.OfType<NormalizedDecimalConverter>().Any())
            options.Converters.Add(new NormalizedDecimalConverter());
        return options;
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

    public override void Write(Utf8JsonWriter writer, decimal value, JsonSerializerOptions options) =>
        writer.WriteNumberValue(value / 1.0000000000000000000000000000m);
}
