using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tessera.ServiceDefaults.Json;

namespace Tessera.Web.Services;

/// <summary>A service's refusal, as its problem details said it: the page shows the title, and each field's message beside the field.</summary>
public sealed record ApiProblem(HttpStatusCode Status, string Title, string? Detail, IReadOnlyDictionary<string, string[]> Errors)
{
    public static async Task<ApiProblem> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            var errors = body.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Object
                ? e.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.EnumerateArray().Select(v => v.GetString() ?? "").ToArray())
                : new Dictionary<string, string[]>();
            return new ApiProblem(response.StatusCode,
                body.TryGetProperty("title", out var t) ? t.GetString() ?? "" : response.ReasonPhrase ?? "",
                body.TryGetProperty("detail", out var d) ? d.GetString() : null,
                errors);
        }
        catch (JsonException)
        {
            return new ApiProblem(response.StatusCode, response.ReasonPhrase ?? "The request failed", null, new Dictionary<string, string[]>());
        }
    }
}

/// <summary>The outcome of a write: the value, or the problem that refused it.</summary>
public sealed record ApiResult<T>(T? Value, ApiProblem? Problem)
{
    public bool Succeeded => Problem is null;

    public static async Task<ApiResult<T>> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        response.IsSuccessStatusCode
            ? new ApiResult<T>(await response.Content.ReadFromJsonAsync<T>(TesseraJson.Options, cancellationToken), null)
            : new ApiResult<T>(default, await ApiProblem.ReadAsync(response, cancellationToken));
}

internal static class HttpExtensions
{
    /// <summary>Reads a successful answer; a 404 is null, anything else unexpected is an error (a 503 arrives as DependencyUnavailableException).</summary>
    public static async Task<T?> ReadOrNullAsync<T>(this HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.StatusCode == HttpStatusCode.NotFound)
            return default;
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<T>(TesseraJson.Options, cancellationToken);
    }

    public static HttpRequestMessage WithJson(this HttpRequestMessage request, object body)
    {
        request.Content = JsonContent.Create(body, options: TesseraJson.Options);
        return request;
    }

    public static string Query(params (string Name, object? Value)[] parameters) =>
        string.Join('&', parameters.Where(p => p.Value is not null && !(p.Value is string s && string.IsNullOrWhiteSpace(s)))
            .Select(p => $"{p.Name}={Uri.EscapeDataString(Convert.ToString(p.Value, System.Globalization.CultureInfo.InvariantCulture)!)}"));
}
