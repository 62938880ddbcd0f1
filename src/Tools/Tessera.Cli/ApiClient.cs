using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tessera.Cli;

/// <summary>Where and as whom the CLI talks to Tessera's public API.</summary>
public sealed record Connection(Uri Url, string? Token, string Tenant, string Username, string? Password);

public sealed class ApiException(HttpStatusCode status, string message) : Exception(message)
{
    public HttpStatusCode Status { get; } = status;
}

/// <summary>
/// A thin client of the public API. It signs in once and refreshes its access token (fifteen minutes) with the refresh
/// token before it runs out, so long imports and benchmarks keep going; and it retries what is safe to retry: 429
/// after Retry-After, and 503 for requests that carry an Idempotency-Key (or are reads).
/// </summary>
public sealed class ApiClient : IDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    private readonly HttpClient _http;
    private readonly Connection _connection;
    private static readonly TimeSpan RenewBefore = TimeSpan.FromMinutes(2);

    private readonly SemaphoreSlim _renewal = new(1, 1);
    private string? _token;
    private string? _refreshToken;
    private DateTimeOffset _expiresAt = DateTimeOffset.MaxValue;

    public ApiClient(Connection connection)
    {
        _connection = connection;
        _token = connection.Token;
        // Long enough to upload a 100 MB import file.
        _http = new HttpClient { BaseAddress = connection.Url, Timeout = TimeSpan.FromMinutes(5) };
    }

    /// <summary>The current access token, renewed first when it is about to run out.</summary>
    public async Task<string> SignInAsync(CancellationToken cancellationToken)
    {
        if (_token is not null && DateTimeOffset.UtcNow < _expiresAt - RenewBefore)
            return _token;
        // Parallel commands renew once: a refresh token presented twice ends the session on the server.
        await _renewal.WaitAsync(cancellationToken);
        try
        {
            return await RenewAsync(cancellationToken);
        }
        finally
        {
            _renewal.Release();
        }
    }

    private async Task<string> RenewAsync(CancellationToken cancellationToken)
    {
        if (_token is not null && DateTimeOffset.UtcNow < _expiresAt - RenewBefore)
            return _token;
        if (_refreshToken is not null)
        {
            var refreshed = await _http.PostAsJsonAsync("/api/auth/refresh", new Dictionary<string, string> { ["refresh_token"] = _refreshToken }, cancellationToken);
            if (refreshed.IsSuccessStatusCode)
                return await KeepAsync(refreshed, cancellationToken);
        }
        if (_token is not null && string.IsNullOrEmpty(_connection.Password))
            return _token;
        if (string.IsNullOrEmpty(_connection.Password))
            throw new ApiException(HttpStatusCode.Unauthorized, "No password: pass --password or set TESSERA_PASSWORD (or pass --token).");
        var response = await _http.PostAsJsonAsync("/api/auth/token",
            new { tenant = _connection.Tenant, username = _connection.Username, password = _connection.Password }, cancellationToken);
        if (!response.IsSuccessStatusCode)
            throw new ApiException(response.StatusCode, $"Sign-in as {_connection.Username} in tenant {_connection.Tenant} failed: {await Describe(response)}");
        return await KeepAsync(response, cancellationToken);
    }

    private async Task<string> KeepAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        _token = body.GetProperty("access_token").GetString()!;
        _refreshToken = body.GetProperty("refresh_token").GetString();
        _expiresAt = DateTimeOffset.UtcNow.AddSeconds(body.GetProperty("expires_in").GetInt32());
        return _token;
    }

    public Task<HttpResponseMessage> GetAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(() => new HttpRequestMessage(HttpMethod.Get, path), cancellationToken);

    public Task<HttpResponseMessage> PostAsync(string path, object? body, string? idempotencyKey, CancellationToken cancellationToken) =>
        SendAsync(() =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = body is null ? null : JsonContent.Create(body, options: Json) };
            if (idempotencyKey is not null)
                request.Headers.Add("Idempotency-Key", idempotencyKey);
            return request;
        }, cancellationToken);

    public Task<HttpResponseMessage> PutAsync(string path, object body, CancellationToken cancellationToken) =>
        SendAsync(() => new HttpRequestMessage(HttpMethod.Put, path) { Content = JsonContent.Create(body, options: Json) }, cancellationToken);

    /// <summary>An anonymous call with its body sent exactly as given and one header of its own (a signed webhook).</summary>
    public async Task<HttpResponseMessage> PostRawAsync(string path, string body, string header, string value, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add(header, value);
        return await _http.SendAsync(request, cancellationToken);
    }

    /// <summary>Posts content made afresh for each attempt (a file is re-read on a retry after 429).</summary>
    public Task<HttpResponseMessage> PostContentAsync(string path, Func<HttpContent> content, CancellationToken cancellationToken) =>
        SendAsync(() => new HttpRequestMessage(HttpMethod.Post, path) { Content = content() }, cancellationToken);

    public async Task<T> GetAsync<T>(string path, CancellationToken cancellationToken)
    {
        using var response = await GetAsync(path, cancellationToken);
        return await ReadAsync<T>(response, cancellationToken);
    }

    public async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
            throw new ApiException(response.StatusCode, await Describe(response));
        return (await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken))!;
    }

    private async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> create, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var token = await SignInAsync(cancellationToken);
            using var request = create();
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var retryable = request.Method == HttpMethod.Get || request.Headers.Contains("Idempotency-Key");
            var response = await _http.SendAsync(request, cancellationToken);
            var again = response.StatusCode == HttpStatusCode.TooManyRequests ||
                        (retryable && response.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout);
            if (!again || attempt >= 8)
                return response;
            var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromMilliseconds(250 * attempt);
            response.Dispose();
            await Task.Delay(wait, cancellationToken);
        }
    }

    public static async Task<string> Describe(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        try
        {
            var problem = JsonDocument.Parse(text).RootElement;
            var title = problem.TryGetProperty("title", out var t) ? t.GetString() : null;
            var detail = problem.TryGetProperty("detail", out var d) ? d.GetString() : null;
            return $"{(int)response.StatusCode} {title}{(detail is null ? "" : ": " + detail)}";
        }
        catch (JsonException)
        {
            return $"{(int)response.StatusCode} {response.ReasonPhrase}";
        }
    }

    public void Dispose()
    {
        _http.Dispose();
        _renewal.Dispose();
    }
}
