using System.Collections;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tessera.ServiceDefaults.Json;

namespace Tessera.ServiceDefaults.Errors;

/// <summary>One refused value: the field as the client wrote it (a JSON path such as "lines[0].quantity") and what it takes.</summary>
public sealed record FieldError(string Field, string Message);

/// <summary>
/// Turns a request the framework could not bind — malformed JSON, a value of the wrong type, an unparsable query
/// parameter — into the field it concerns and what that field expects, so the answer is a problem a client can act on
/// rather than a bare 400.
/// </summary>
public static partial class BindingProblems
{
    /// <summary>The field and message for a request body that failed to deserialize as <paramref name="target"/>.</summary>
    public static FieldError FromJson(JsonException json, Type? target, JsonSerializerOptions options)
    {
        var field = Field(json.Path);
        if (json.InnerException is JsonException || json.GetType() != typeof(JsonException) && json is not JsonInputException)
            return new FieldError(field, $"is not well-formed JSON ({Position(json)}). Send one JSON {(target is null ? "value" : Describe(target, options))}.");
        if (json is JsonInputException input)
            return new FieldError(field, $"expected {input.Expected}.");
        if (json.Message.Contains("Duplicate", StringComparison.OrdinalIgnoreCase) || json.Message.Contains("more than once", StringComparison.OrdinalIgnoreCase))
            return new FieldError(field, "is given more than once; send each field once.");
        if (json.Message.Contains("missing required properties", StringComparison.OrdinalIgnoreCase))
            return new FieldError(field, "is missing required fields: " + json.Message.Split(':').Last().Split('.').First().Trim());
        var type = target is null ? null : TypeAt(target, json.Path, options);
        return new FieldError(field, type is null ? "could not be read; check its type and format." : $"expected {Describe(type, options)}.");
    }

    /// <summary>The problem for a request the framework refused before the handler ran; null when it is not a binding failure.</summary>
    internal static (int Status, string Title, FieldError Error)? FromBadRequest(HttpContext context, BadHttpRequestException bad)
    {
        var options = context.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        if (bad.InnerException is JsonException json)
        {
            // The exception handler has cleared the endpoint by now; its feature still names the one that failed.
            var endpoint = context.Features.Get<IExceptionHandlerFeature>()?.Endpoint ?? context.GetEndpoint();
            var target = endpoint?.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType;
            return (StatusCodes.Status400BadRequest, "The request is not valid", FromJson(json, target, options));
        }
        if (bad.StatusCode == StatusCodes.Status415UnsupportedMediaType)
            return (bad.StatusCode, "Unsupported media type", new FieldError("Content-Type", "expected application/json for this request's body."));
        if (FailedToBind().Match(bad.Message) is { Success: true } failed)
            return (StatusCodes.Status400BadRequest, "The request is not valid",
                new FieldError(failed.Groups["name"].Value, $"expected {DescribeTypeName(failed.Groups["type"].Value)}."));
        if (Missing().Match(bad.Message) is { Success: true } missing)
            return missing.Groups["source"].Value.Contains("body", StringComparison.Ordinal)
                ? (StatusCodes.Status400BadRequest, "The request is not valid", new FieldError("body", "A JSON body is required."))
                : (StatusCodes.Status400BadRequest, "The request is not valid", new FieldError(missing.Groups["name"].Value, "is required."));
        if (bad.Message.Contains("no body was provided", StringComparison.OrdinalIgnoreCase))
            return (StatusCodes.Status400BadRequest, "The request is not valid", new FieldError("body", "A JSON body is required."));
        return null;
    }

    private static string Field(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
            return "body";
        return path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
    }

    private static string Position(JsonException json) =>
        json.LineNumber is { } line && json.BytePositionInLine is { } position ? $"line {line + 1}, byte {position + 1}" : "unexpected content";

    /// <summary>The type found by following a JSON path ("$.lines[0].quantity") through the request type's contract.</summary>
    internal static Type? TypeAt(Type root, string? path, JsonSerializerOptions options)
    {
        var type = root;
        foreach (var step in Steps(path))
        {
            var info = options.GetTypeInfo(Nullable.GetUnderlyingType(type) ?? type);
            type = info.Kind switch
            {
                JsonTypeInfoKind.Object when step is string name =>
                    info.Properties.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))?.PropertyType,
                JsonTypeInfoKind.Dictionary when step is string => info.ElementType,
                JsonTypeInfoKind.Enumerable when step is int => info.ElementType,
                _ => null,
            };
            if (type is null)
                return null;
        }
        return type;
    }

    private static IEnumerable<object> Steps(string? path)
    {
        if (string.IsNullOrEmpty(path))
            yield break;
        foreach (Match step in PathStep().Matches(path))
        {
            if (step.Groups["name"].Success)
                yield return step.Groups["name"].Value;
            else if (step.Groups["quoted"].Success)
                yield return step.Groups["quoted"].Value;
            else
                yield return int.Parse(step.Groups["index"].Value, System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    /// <summary>What a value of this type looks like in JSON, in words.</summary>
    public static string Describe(Type type, JsonSerializerOptions options)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string)) return "a string";
        if (type == typeof(bool)) return "true or false";
        if (type == typeof(decimal)) return BoundedDecimalConverter.Expected;
        if (type == typeof(int)) return "a whole number between -2147483648 and 2147483647";
        if (type == typeof(long)) return "a whole number";
        if (type == typeof(short) || type == typeof(byte)) return "a small whole number";
        if (type == typeof(double) || type == typeof(float)) return "a number";
        if (type == typeof(Guid)) return "a UUID such as 0190f5a2-7c1e-7d3a-9b4e-2f6a8c0d1e3f";
        if (type == typeof(DateOnly)) return "a date such as 2026-01-31";
        if (type == typeof(TimeOnly)) return "a time such as 14:30:00";
        if (type == typeof(DateTimeOffset)) return OffsetDateTimeConverter.Expected;
        if (type == typeof(DateTime)) return "a date and time such as 2026-01-31T07:30:00Z";
        if (type == typeof(JsonElement)) return "a JSON value";
        if (type.IsEnum) return "one of " + string.Join(", ", Enum.GetNames(type));
        return options.GetTypeInfo(type).Kind switch
        {
            JsonTypeInfoKind.Enumerable => "an array",
            JsonTypeInfoKind.Dictionary or JsonTypeInfoKind.Object => "a JSON object",
            _ => type == typeof(object) || typeof(IEnumerable).IsAssignableFrom(type) ? "a JSON value" : "a value of type " + type.Name,
        };
    }

    private static string DescribeTypeName(string name) => Unwrap(name) switch
    {
        "int" or "Int32" => "a whole number between -2147483648 and 2147483647",
        "long" or "Int64" => "a whole number",
        "decimal" or "Decimal" => "a number",
        "double" or "Double" or "float" or "Single" => "a number",
        "bool" or "Boolean" => "true or false",
        "Guid" => "a UUID such as 0190f5a2-7c1e-7d3a-9b4e-2f6a8c0d1e3f",
        "DateOnly" => "a date such as 2026-01-31",
        "DateTimeOffset" => OffsetDateTimeConverter.Expected,
        "DateTime" => "a date and time such as 2026-01-31T07:30:00Z",
        var other => $"a value of type {other}",
    };

    private static string Unwrap(string name) =>
        name.StartsWith("Nullable<", StringComparison.Ordinal) ? name["Nullable<".Length..^1] : name.TrimEnd('?');

    [GeneratedRegex("""^Failed to bind parameter "(?<type>[^ "]+) (?<name>[^"]+)" from""")]
    private static partial Regex FailedToBind();

    [GeneratedRegex("""^Required parameter "(?<type>[^ "]+) (?<name>[^"]+)" was not provided from (?<source>.+)\.$""")]
    private static partial Regex Missing();

    [GeneratedRegex(@"\.(?<name>[^.\[]+)|\['(?<quoted>(?:[^']|'')*)'\]|\[(?<index>\d+)\]")]
    private static partial Regex PathStep();
}
