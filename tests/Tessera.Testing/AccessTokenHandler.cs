using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Tessera.Testing;

/// <summary>
/// Signs a test client in through the public API and keeps it signed in as a real API client would: the access token
/// lives fifteen minutes, so it is exchanged for a new one with the refresh token before it runs out. Test classes
/// that share one client for longer than a token lives keep working.
/// </summary>
public sealed class AccessTokenHandler : DelegatingHandler
{
    private static readonly TimeSpan RenewBefore = TimeSpan.FromMinutes(2);

    private readonly Uri _publicUrl;
    private readonly object _credentials;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Tokens _tokens;

    private AccessTokenHandler(Uri publicUrl, object credentials, Tokens tokens) : base(new HttpClientHandler())
    {
        _publicUrl = publicUrl;
        _credentials = credentials;
        _tokens = tokens;
    }

    public string AccessToken => _tokens.Access;

    /// <param name="outer">A handler that sees every request first (a recorder), with the token handler behind it.</param>
    public static async Task<HttpClient> SignInAsync(Uri publicUrl, string tenant, string username, string password, DelegatingHandler? outer = null)
    {
        using var anonymous = new HttpClient { BaseAddress = publicUrl };
        var credentials = new { tenant, username, password };
        var tokens = await Tokens.ReadAsync(await anonymous.PostAsJsonAsync("/api/auth/token", credentials));
        HttpMessageHandler handler = new AccessTokenHandler(publicUrl, credentials, tokens);
        if (outer is not null)
        {
            outer.InnerHandler = handler;
            handler = outer;
        }
        return new HttpClient(handler) { BaseAddress = publicUrl, Timeout = TimeSpan.FromSeconds(30) };
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (DateTimeOffset.UtcNow > _tokens.ExpiresAt - RenewBefore)
            await RenewAsync(cancellationToken);
        request.Headers.Authorization ??= new AuthenticationHeaderValue("Bearer", _tokens.Access);
        var response = await base.SendAsync(request, cancellationToken);
        // A read the gateway's per-client rate limit refused is sent again after its Retry-After, as an API client
        // should; writes are left to the test (a test that polls many orders at once would otherwise fail on a 429).
        for (var attempt = 0; attempt < MaxRateLimitedRetries && response.StatusCode == HttpStatusCode.TooManyRequests && request.Method == HttpMethod.Get; attempt++)
        {
            var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
            response.Dispose();
            await Task.Delay(wait, cancellationToken);
            response = await base.SendAsync(request, cancellationToken);
        }
        return response;
    }

    private const int MaxRateLimitedRetries = 5;

    private async Task RenewAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (DateTimeOffset.UtcNow <= _tokens.ExpiresAt - RenewBefore)
                return;
            using var anonymous = new HttpClient { BaseAddress = _publicUrl };
            _tokens = await Tokens.ReadAsync(_tokens.Refresh is { } refresh
                ? await anonymous.PostAsJsonAsync("/api/auth/refresh", new Dictionary<string, string> { ["refresh_token"] = refresh }, cancellationToken)
                : await anonymous.PostAsJsonAsync("/api/auth/token", _credentials, cancellationToken));
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>A token grant; a server without refresh tokens is signed in to again instead.</summary>
    private sealed record Tokens(string Access, string? Refresh, DateTimeOffset ExpiresAt)
    {
        public static async Task<Tokens> ReadAsync(HttpResponseMessage response)
        {
            var text = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode)
                throw new HttpRequestException($"Signing in failed: {(int)response.StatusCode} {text}");
            var body = JsonDocument.Parse(text).RootElement;
            return new Tokens(body.GetProperty("access_token").GetString()!,
                body.TryGetProperty("refresh_token", out var refresh) ? refresh.GetString() : null,
                DateTimeOffset.UtcNow.AddSeconds(body.GetProperty("expires_in").GetInt32()));
        }
    }
}
