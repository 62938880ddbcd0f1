using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Tessera.Orders.Contracts;
using Tessera.ServiceDefaults.Json;
using Tessera.Testing;

namespace Tessera.System.Tests;

/// <summary>One request a simulated user made: what, when, how long, and how it ended.</summary>
public sealed record LoadSample(string User, string What, DateTimeOffset At, double Ms, int Status, string? Failure)
{
    public bool Failed => Failure is not null;
}

/// <summary>
/// A steady load of simulated users, each signed in twice as a person at work would be — a browser session (pages) and
/// an API token (orders, search) — and each going round: place an order with an Idempotency-Key, read the orders page,
/// search, read stock, think for a moment. Every request is recorded; a redirect to the sign-in page or a 401 counts as
/// a user logged out. Orders that were acknowledged are kept with their ids, to be found later.
/// </summary>
public sealed class SimulatedUsers : IAsyncDisposable
{
    private readonly List<(string Name, HttpClient Api, HttpClient Browser)> _users;
    private readonly string _sku;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<LoadSample> _samples = new();
    private readonly ConcurrentQueue<(Guid Id, DateTimeOffset At)> _orders = new();
    private readonly TimeSpan _think;
    private List<Task> _running = [];

    private SimulatedUsers(List<(string, HttpClient, HttpClient)> users, string sku, TimeSpan think)
    {
        _users = users;
        _sku = sku;
        _think = think;
    }

    public IReadOnlyCollection<LoadSample> Samples => _samples;

    public IReadOnlyCollection<(Guid Id, DateTimeOffset At)> Orders => _orders;

    /// <summary>Signs <paramref name="count"/> users in (API and browser) as the system's admin; orders are for <paramref name="sku"/>.</summary>
    public static async Task<SimulatedUsers> SignInAsync(RunningSystem system, int count, string sku, TimeSpan? think = null)
    {
        var users = new List<(string, HttpClient, HttpClient)>();
        for (var i = 0; i < count; i++)
        {
            var api = await system.SignInAsync();
            var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true }) { BaseAddress = system.PublicUrl, Timeout = TimeSpan.FromSeconds(60) };
            var signedIn = await browser.SignInAsync("demo", "admin", RunningSystem.AdminPassword);
            signedIn.StatusCode.ShouldBe(HttpStatusCode.Redirect);
            users.Add(($"user{i + 1}", api, browser));
        }
        return new SimulatedUsers(users, sku, think ?? TimeSpan.FromMilliseconds(200));
    }

    public void Start()
    {
        // The load generator must not be what is measured: every user's next step runs at once, without waiting for the
        // thread pool to grow (it adds threads slowly, and a stall here would show as a slow request of the system).
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, _users.Count * 2), Math.Max(io, _users.Count * 2));
        _running = _users.Select(u => Task.Run(() => RunAsync(u.Name, u.Api, u.Browser, _stop.Token))).ToList();
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_running);
    }

    /// <summary>The requests made in [from, to).</summary>
    public IReadOnlyList<LoadSample> Between(DateTimeOffset from, DateTimeOffset to) => _samples.Where(s => s.At >= from && s.At < to).ToList();

    public static double P99(IReadOnlyCollection<LoadSample> samples)
    {
        var sorted = samples.Select(s => s.Ms).Order().ToList();
        return sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(sorted.Count * 0.99) - 1)];
    }

    private async Task RunAsync(string name, HttpClient api, HttpClient browser, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            await MeasureAsync(name, "place order", async () =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders")
                {
                    Content = JsonContent.Create(new
                    {
                        channel = "web",
                        customer = new { name = "Nguyễn Văn An", phone = "0901234567" },
                        lines = new[] { new { sku = _sku, quantity = 1m, unitPrice = 120000m } },
                    }, options: TesseraJson.Options),
                };
                request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
                var response = await api.SendAsync(request, CancellationToken.None);
                if (response.StatusCode == HttpStatusCode.Created)
                    _orders.Enqueue(((await response.Content.ReadFromJsonAsync<OrderCreatedDto>(TesseraJson.Options))!.Id, DateTimeOffset.UtcNow));
                return response;
            });
            await MeasureAsync(name, "orders page", () => browser.GetAsync("/orders"));
            await MeasureAsync(name, "search", () => api.GetAsync($"/api/orders/search?q={_sku}&pageSize=10"));
            await MeasureAsync(name, "stock", () => api.GetAsync($"/api/inventory/stock?sku={_sku}"));
            await MeasureAsync(name, "products page", () => browser.GetAsync("/products"));
            try
            {
                await Task.Delay(_think + TimeSpan.FromMilliseconds(Random.Shared.Next(0, (int)_think.TotalMilliseconds + 1)), stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task MeasureAsync(string user, string what, Func<Task<HttpResponseMessage>> send)
    {
        var at = DateTimeOffset.UtcNow;
        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await send();
            var body = await response.Content.ReadAsStringAsync();
            var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var status = (int)response.StatusCode;
            string? failure = status switch
            {
                401 => "logged out (401)",
                302 or 303 when response.Headers.Location?.OriginalString.Contains("signin", StringComparison.OrdinalIgnoreCase) == true => "logged out (sent to sign in)",
                >= 400 => $"{status}: {body[..Math.Min(body.Length, 300)]}",
                _ => null,
            };
            _samples.Enqueue(new LoadSample(user, what, at, ms, status, failure));
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            _samples.Enqueue(new LoadSample(user, what, at, Stopwatch.GetElapsedTime(started).TotalMilliseconds, 0, $"{ex.GetType().Name}: {ex.Message}" +
                (ex.GetBaseException() is { } cause && cause != ex ? $" ({cause.GetType().Name}: {cause.Message})" : "")));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
            await StopAsync();
        foreach (var (_, api, browser) in _users)
        {
            api.Dispose();
            browser.Dispose();
        }
        _stop.Dispose();
    }
}
