using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;
using Tessera.ServiceDefaults.Errors;
using Tessera.ServiceDefaults.Hosting;

namespace Tessera.ServiceDefaults.Http;

public sealed record ResilienceSettings
{
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan TotalTimeout { get; init; } = TimeSpan.FromSeconds(15);
    public int MaxRetries { get; init; } = 2;
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);
    public double FailureRatio { get; init; } = 0.5;
    public int MinimumThroughput { get; init; } = 10;
    public TimeSpan SamplingDuration { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan BreakDuration { get; init; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// Timeout, retry and circuit breaker around calls to another service (Polly.Core). Only idempotent requests are retried:
/// safe methods, PUT/DELETE, and POSTs that carry an Idempotency-Key. The breaker is shared by every call to one
/// service, so a dead service fails fast instead of tying up threads. When the service still cannot be reached, or
/// answers 502/503/504, callers get a <see cref="DependencyUnavailableException"/> naming it (their own caller sees 503).
/// </summary>
public sealed class ResilienceHandler(string service, ResiliencePipeline<HttpResponseMessage> pipeline) : DelegatingHandler
{
    internal static readonly ResiliencePropertyKey<HttpRequestMessage> RequestKey = new("tessera.request");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(RequestKey, request);
        try
        {
            var outcome = await pipeline.ExecuteOutcomeAsync(
                static async (ctx, state) =>
                {
                    try
                    {
                        return Outcome.FromResult(await state.Handler.SendCore(state.Request, ctx.CancellationToken));
                    }
                    catch (Exception ex)
                    {
                        return Outcome.FromException<HttpResponseMessage>(ex);
                    }
                },
                context,
                (Handler: this, Request: request));
            if (outcome.Exception is HttpRequestException or IOException or BrokenCircuitException or TimeoutRejectedException)
                throw new DependencyUnavailableException(service, outcome.Exception);
            outcome.ThrowIfException();
            var response = outcome.Result!;
            if (response.StatusCode is HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout)
            {
                response.Dispose();
                throw new DependencyUnavailableException(service);
            }
            return response;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>
    /// One attempt, body included: a service killed while it writes its answer leaves a body that ends early, and that
    /// must count as a failed attempt (retried, or "unavailable") rather than surface later as a broken read.
    /// </summary>
    private async Task<HttpResponseMessage> SendCore(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        try
        {
            await response.Content.LoadIntoBufferAsync(cancellationToken);
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    public static ResiliencePipeline<HttpResponseMessage> BuildPipeline(ResilienceSettings settings, TimeProvider clock)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = clock }.AddTimeout(settings.TotalTimeout);
        if (settings.MaxRetries > 0)
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = settings.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = settings.RetryBaseDelay,
                ShouldHandle = args => ValueTask.FromResult(
                    IsTransient(args.Outcome) &&
                    args.Context.Properties.TryGetValue(RequestKey, out var request) && IsIdempotent(request)),
                OnRetry = args =>
                {
                    args.Outcome.Result?.Dispose();
                    return ValueTask.CompletedTask;
                },
            });
        return builder
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                FailureRatio = settings.FailureRatio,
                MinimumThroughput = settings.MinimumThroughput,
                SamplingDuration = settings.SamplingDuration,
                BreakDuration = settings.BreakDuration,
                ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome)),
            })
            .AddTimeout(settings.AttemptTimeout)
            .Build();
    }

    public static bool IsIdempotent(HttpRequestMessage request) =>
        request.Method == HttpMethod.Get || request.Method == HttpMethod.Head || request.Method == HttpMethod.Options ||
        request.Method == HttpMethod.Put || request.Method == HttpMethod.Delete ||
        request.Headers.Contains("Idempotency-Key");

    public static bool IsTransient(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException or IOException or TimeoutRejectedException } => true,
        { Exception: OperationCanceledException, Result: null } => false,
        { Result: { } response } => response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests
                                    || (int)response.StatusCode >= 500,
        _ => false,
    };
}

public static class ServiceClientRegistration
{
    /// <summary>
    /// A typed client for another Tessera service: base address from Tessera:Services:&lt;service&gt;, the caller's or this
    /// service's token attached, and the shared resilience pipeline of that service.
    /// </summary>
    public static IHttpClientBuilder AddServiceClient<TClient>(this IServiceCollection services, string service, ResilienceSettings? settings = null)
        where TClient : class =>
        Configure(services.AddHttpClient<TClient>(), services, service, settings);

    /// <summary>The same, as a named client "service:&lt;service&gt;" for callers that talk to several services alike.</summary>
    public static IHttpClientBuilder AddNamedServiceClient(this IServiceCollection services, string service, ResilienceSettings? settings = null) =>
        Configure(services.AddHttpClient(NamedClient(service)), services, service, settings);

    public static string NamedClient(string service) => "service:" + service;

    private static IHttpClientBuilder Configure(IHttpClientBuilder builder, IServiceCollection services, string service, ResilienceSettings? settings)
    {
        settings ??= new ResilienceSettings();
        services.TryAddKeyedSingleton<ResiliencePipeline<HttpResponseMessage>>(service, (sp, _) => ResilienceHandler.BuildPipeline(settings, sp.GetRequiredService<TimeProvider>()));
        services.TryAddTransient<ServiceAuthenticationHandler>();
        return builder
            .ConfigureHttpClient((sp, client) =>
            {
                client.BaseAddress = sp.GetRequiredService<IOptionsMonitor<TesseraOptions>>().CurrentValue.ServiceUri(service);
                client.Timeout = settings.TotalTimeout + TimeSpan.FromSeconds(5);
            })
            .AddHttpMessageHandler(sp => new ResilienceHandler(service, sp.GetRequiredKeyedService<ResiliencePipeline<HttpResponseMessage>>(service)))
            .AddHttpMessageHandler<ServiceAuthenticationHandler>();
    }
}
