using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tessera.ServiceDefaults.Json;

/// <summary>
/// A value in a request body that is well-formed JSON but not acceptable input. The serializer fills in the JSON path;
/// <see cref="Expected"/> says what the field takes, so the problem answer can name both.
/// </summary>
public sealed class JsonInputException(string expected) : JsonException(expected)
{
    public string Expected { get; } = expected;
}

/// <summary>What text fields accept: no control characters except tab and line breaks, no bidirectional overrides.</summary>
public static class TextRules
{
    /// <summary>Longest text a single JSON string in a request may hold; longer values are refused, not cut.</summary>
    public const int MaxLength = 4000;

    public const string Expected = "text without control characters (U+0000–U+001F other than tab and line breaks, U+007F–U+009F) " +
                                   "or bidirectional formatting characters (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069)";

    /// <summary>The first forbidden character, or null when the text is clean.</summary>
    public static int? FindForbidden(ReadOnlySpan<char> text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }
            if (IsForbidden(c))
                return i;
        }
        return null;
    }

    public static bool IsClean(string? text) => text is null || FindForbidden(text) is null;

    /// <summary>
    /// For uploaded text files: why the bytes are not clean UTF-8 text (not UTF-8 at all, or a forbidden character and
    /// the line it is on), or null when they are.
    /// </summary>
    public static string? FindForbiddenUtf8(ReadOnlySpan<byte> bytes)
    {
        var line = 1;
        var offset = 0;
        while (offset < bytes.Length)
        {
            if (System.Text.Rune.DecodeFromUtf8(bytes[offset..], out var rune, out var consumed) != System.Buffers.OperationStatus.Done)
                return $"is not UTF-8 text: byte {offset + 1} (line {line}) starts no valid character. Save the file as UTF-8.";
            if (rune.Value == '\n')
                line++;
            else if (rune.IsBmp && IsForbidden((char)rune.Value))
                return $"contains U+{rune.Value:X4} on line {line}: {Expected}.";
            offset += consumed;
        }
        return null;
    }

    private static bool IsForbidden(char c) =>
        c < ' ' && c is not ('\t' or '\n' or '\r')
        || c is >= '\u007f' and <= '\u009f'
        || c is '\u061c' or '\u200e' or '\u200f'
        || c is >= '\u202a' and <= '\u202e'
        || c is >= '\u2066' and <= '\u2069'
        || char.IsSurrogate(c); // a surrogate that is not half of a pair
}

/// <summary>Strings in request bodies: clean text of bounded length (<see cref="TextRules"/>), property names included.</summary>
internal sealed class GuardedStringConverter : JsonConverter<string>
{
    public override bool HandleNull => false;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
            throw new JsonInputException("a string");
        return Check(reader.GetString()!);
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);

    public override string ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Check(reader.GetString()!);

    public override void WriteAsPropertyName(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WritePropertyName(value);

    internal static string Check(string value)
    {
        if (value.Length > TextRules.MaxLength)
            throw new JsonInputException($"text of at most {TextRules.MaxLength} characters (this one has {value.Length})");
        if (TextRules.FindForbidden(value) is { } at)
            throw new JsonInputException($"{TextRules.Expected}; found U+{(int)value[at]:X4} at character {at + 1}");
        return value;
    }
}

/// <summary>Free-form JSON values (extension attributes) hold the same clean, bounded text in every string and name inside.</summary>
internal sealed class GuardedJsonElementConverter : JsonConverter<JsonElement>
{
    public override JsonElement Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        Walk(document.RootElement);
        return document.RootElement.Clone();
    }

    public override void Write(Utf8JsonWriter writer, JsonElement value, JsonSerializerOptions options) => value.WriteTo(writer);

    private static void Walk(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                GuardedStringConverter.Check(element.GetString()!);
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                    Walk(item);
                break;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    GuardedStringConverter.Check(property.Name);
                    Walk(property.Value);
                }
                break;
        }
    }
}

/// <summary>
/// Numbers in request bodies stay within ±10^15 (sixteen digits before the point would already be a quadrillion đồng):
/// every product, sum and average the services compute from them then fits a decimal, so a huge value is refused
/// here, naming its field, instead of overflowing somewhere inside.
/// </summary>
internal sealed class BoundedDecimalConverter : JsonConverter<decimal>
{
    public const decimal Limit = 1_000_000_000_000_000m;
    public const string Expected = "a number between -999999999999999.99 and 999999999999999.99";

    public override decimal Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        decimal value;
        if (reader.TokenType == JsonTokenType.Number)
        {
            if (!reader.TryGetDecimal(out value))
                throw new JsonInputException(Expected);
        }
        else if (reader.TokenType == JsonTokenType.String)
        {
            if (!decimal.TryParse(reader.GetString(), NumberStyles.Number, CultureInfo.InvariantCulture, out value))
                throw new JsonInputException(Expected);
        }
        else
        {
            throw new JsonInputException("a number");
        }
        if (value <= -Limit || value >= Limit)
            throw new JsonInputException(Expected);
        return value;
    }

    public override void Write(Utf8JsonWriter writer, decimal value, JsonSerializerOptions options) =>
        NormalizedDecimalConverter.WriteNormalized(writer, value);
}

/// <summary>
/// A moment in a request body must say which offset it is in ("2026-01-31T14:30:00+07:00" or "…Z"): without one the
/// server would have to guess the client's time zone.
/// </summary>
internal sealed class OffsetDateTimeConverter : JsonConverter<DateTimeOffset>
{
    public const string Expected = "a date and time with an offset, such as 2026-01-31T14:30:00+07:00 or 2026-01-31T07:30:00Z";

    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
            throw new JsonInputException(Expected);
        var text = reader.GetString()!;
        if (!HasOffset(text) || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var value))
            throw new JsonInputException(Expected);
        return value;
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) => writer.WriteStringValue(value);

    /// <summary>ISO 8601 with a time part that ends in Z or ±hh:mm (±hhmm).</summary>
    private static bool HasOffset(string text)
    {
        var time = text.IndexOf('T', StringComparison.OrdinalIgnoreCase);
        if (time < 0)
            return false;
        var tail = text.AsSpan(time + 1);
        return tail.EndsWith("Z", StringComparison.OrdinalIgnoreCase) || tail.LastIndexOfAny('+', '-') > 0;
    }
}
