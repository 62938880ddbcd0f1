using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;

namespace Tessera.System.Tests.Security;

/// <summary>Requests for an operation: its path filled, its required query parameters given, a body of its media type.</summary>
public static class MatrixRequests
{
    /// <summary>A value of the parameter's type that names nothing in any tenant.</summary>
    public static string MadeUp(ApiParameter parameter) => (parameter.Type, parameter.Format) switch
    {
        (_, "uuid") => Guid.NewGuid().ToString(),
        (_, "date") => "2026-01-31",
        (_, "date-time") => "2026-01-31T00:00:00Z",
        ("integer", _) or ("number", _) => "1",
        ("boolean", _) => "false",
        _ => "MATRIX-NONE",
    };

    public static string Query(ApiOperation operation) =>
        string.Join('&', operation.Parameters.Where(p => p is { In: "query", Required: true }).Select(p => $"{p.Name}={Uri.EscapeDataString(MadeUp(p))}"))
            is { Length: > 0 } query ? "?" + query : "";

    /// <summary>The operation with made-up path values, as anybody could address it.</summary>
    public static string MadeUpPath(ApiOperation operation) => operation.Fill(MadeUp) + Query(operation);

    public static HttpRequestMessage Create(ApiOperation operation, string pathAndQuery, string? jsonBody = null)
    {
        var request = new HttpRequestMessage(new HttpMethod(operation.Method), pathAndQuery);
        if (operation.Body is { } body)
        {
            request.Content = body.ContentType == "application/json"
                ? new StringContent(jsonBody ?? "{}", Encoding.UTF8, "application/json")
                : new ByteArrayContent("external_ref\n"u8.ToArray()) { Headers = { ContentType = MediaTypeHeaderValue.Parse(body.ContentType.Split(';')[0]) } };
        }
        if (operation.Method is "PATCH" or "PUT")
            request.Headers.TryAddWithoutValidation("If-Match", "\"1\"");
        return request;
    }

    /// <summary>The body tenant A's workload sent to this operation, if it called it.</summary>
    public static string? RecordedBody(ApiOperation operation, IEnumerable<RecordedCall> calls)
    {
        var pattern = new Regex("^" + ApiOperation.PathParameter().Replace(Regex.Escape(operation.Path).Replace("\\{", "{"), "[^/]+") + "$",
            RegexOptions.IgnoreCase);
        return calls.FirstOrDefault(c => c.Method == operation.Method && c.Body is not null && pattern.IsMatch(c.Path))?.Body;
    }
}
