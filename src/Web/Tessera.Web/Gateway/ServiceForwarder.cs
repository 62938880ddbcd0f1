using System.Net;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Tessera.ServiceDefaults.Hosting;
using Tessera.ServiceDefaults.Http;
using Tessera.ServiceDefaults.Security;

namespace Tessera.Web.Gateway;

/// <summary>
/// Forwards /api/&lt;service&gt;/… to that service unchanged, and nothing outside it. Bodies are taken within their
/// limits (<see cref="BodyLimit"/>) before the service is asked. The caller's access token was validated here; the service
/// receives a fresh internal token (one minute) carrying the same user, tenant and roles, never the client's own token.
/// A service that does not answer yields 503 naming it, so the client (and the UI) can say exactly what is down.
/// </summary>
public sealed class ServiceForwarder(
    IHttpClientFactory clients,
    [FromKeyedServices(TokenAudiences.Internal)] SignedTokenCodec codec,
    IOptions<TesseraOptions> options,
    ILogger<ServiceForwarder> logger)
{
    public const string ClientName = "gateway";
    private static readonly TimeSpan InternalTokenLifetime = TimeSpan.FromMinutes(1);

    private static readonly HashSet<string> SkippedRequestHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Authorization", "Cookie", "Connection", "Keep-Alive", "Transfer-Encoding", "TE", "Trailer", "Upgrade",
        "Proxy-Authorization", "Proxy-Connection", "Content-Length", "Content-Type", "Content-Encoding", "Content-Language",
    };

    private static readonly HashSet<string> SkippedResponseHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Transfer-Encoding", "TE", "Trailer", "Upgrade", "Server",
    };

    public async Task ForwardAsync(HttpContext context, string service)
    {
        if (!ServiceCatalog.Contains(service) || !options.Value.Services.TryGetValue(service, out var baseUrl))
        {
            await WriteProblem(context, StatusCodes.Status404NotFound, "No such API", $"There is no service '{service}' behind /api/{service}.");
            return;
        }
        if (PublicTarget(new Uri(baseUrl), context, service) is not { } target)
        {
            await WriteProblem(context, StatusCodes.Status400BadRequest, "The address is not valid",
                $"Only the API of {service} is reachable here: /api/{service}/….");
            return;
        }

        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), target);
        foreach (var header in context.Request.Headers.Where(h => !SkippedRequestHeaders.Contains(h.Key)))
            request.Headers.TryAddWithoutValidation(header.Key, header.Value.ToArray());

        var limit = BodyLimit.For(context.Request);
        GuardedBody? streamed = null;
        if (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            if (context.Request.ContentLength > limit.MaxBytes)
            {
                await Refuse(context, BodyRefusal.TooLarge(limit));
                return;
            }
            limit.AllowOn(context);
            if (limit.Streamed)
            {
                streamed = new GuardedBody(context.Request.Body, limit, context.RequestAborted);
                request.Content = new StreamContent(streamed);
            }
            else
            {
                var (body, refusal) = await ReadWholeAsync(context, limit);
                if (refusal is not null)
                {
                    await Refuse(context, refusal);
                    return;
                }
                request.Content = new ByteArrayContent(body!);
            }
            if (context.Request.ContentType is { } contentType)
                request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        var user = context.User;
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", codec.Issue(
            user.Actor(), user.FindFirst(TesseraClaims.Tenant)!.Value,
            user.FindAll(TesseraClaims.Role).Select(r => r.Value), TokenAudiences.Internal, InternalTokenLifetime));
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", context.Connection.RemoteIpAddress?.ToString());

        HttpResponseMessage response;
        try
        {
            response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && streamed?.Refusal is { } refusal)
        {
            await Refuse(context, refusal);
            return;
        }
        catch (HttpRequestException ex)
        {
            logger.LogWarning("{Service} did not answer: {Error}", service, ex.Message);
            context.Response.Headers.RetryAfter = "5";
            await WriteProblem(context, StatusCodes.Status503ServiceUnavailable, $"{Title(service)} is unavailable",
                $"{Title(service)} is not answering right now; retrying shortly will work once it is back. Other parts of Tessera keep working.");
            return;
        }
        catch (TaskCanceledException) when (!context.RequestAborted.IsCancellationRequested)
        {
            await WriteProblem(context, StatusCodes.Status504GatewayTimeout, $"{Title(service)} took too long", "Try again in a moment.");
            return;
        }

        using (response)
        {
            context.Response.StatusCode = (int)response.StatusCode;
            foreach (var header in response.Headers.Concat(response.Content.Headers).Where(h => !SkippedResponseHeaders.Contains(h.Key)))
                context.Response.Headers[header.Key] = header.Value.ToArray();
            if (response.StatusCode != HttpStatusCode.NoContent && context.Request.Method != HttpMethods.Head)
                await CopyBodyAsync(context, response, service, logger);
        }
    }

    /// <summary>
    /// The service address for this call: its path exactly as the client sent it (the path guard has refused any that
    /// could be read as another path), and only under /api/&lt;service&gt;, never a service's /openapi, /health or /events.
    /// </summary>
    internal static Uri? PublicTarget(Uri serviceBase, HttpContext context, string service)
    {
        var target = new Uri(serviceBase, PathGuard.RawPath(context) + context.Request.QueryString.Value);
        var path = Uri.UnescapeDataString(target.AbsolutePath);
        var prefix = "/api/" + service;
        var underPrefix = path.Equals(prefix, StringComparison.OrdinalIgnoreCase) || path.StartsWith(prefix + "/", StringComparison.OrdinalIgnoreCase);
        return underPrefix && target.Authority == serviceBase.Authority && target.Scheme == serviceBase.Scheme ? target : null;
    }

    /// <summary>Reads a JSON body whole, within its limit and deadline, before the service is bothered with it.</summary>
    private static async Task<(byte[]? Body, BodyRefusal? Refusal)> ReadWholeAsync(HttpContext context, BodyLimit limit)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        deadline.CancelAfter(limit.Deadline);
        try
        {
            var body = await context.Request.ReadUpToAsync(limit.MaxBytes, deadline.Token);
            return body is null ? (null, BodyRefusal.TooLarge(limit)) : (body, null);
        }
        catch (BadHttpRequestException ex) when (BodyRefusal.From(ex, limit) is { } refusal)
        {
            return (null, refusal);
        }
        catch (OperationCanceledException) when (!context.RequestAborted.IsCancellationRequested)
        {
            return (null, BodyRefusal.TooSlow(limit));
        }
    }

    private static Task Refuse(HttpContext context, BodyRefusal refusal) => WriteProblem(context, refusal.Status, refusal.Title, refusal.Detail);

    /// <summary>
    /// Passes the service's body on. The status line is sent by then, so a service that dies half-way through its answer
    /// can only be reported by cutting the caller's connection too: the caller sees a broken answer, never a short one
    /// that looks whole.
    /// </summary>
    internal static async Task CopyBodyAsync(HttpContext context, HttpResponseMessage response, string service, ILogger logger)
    {
        try
        {
            await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException && !context.RequestAborted.IsCancellationRequested)
        {
            logger.LogWarning("{Service} stopped in the middle of its answer: {Error}", service, ex.Message);
            context.Abort();
        }
    }

    private static string Title(string service) => char.ToUpperInvariant(service[0]) + service[1..];

    private static Task WriteProblem(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        return context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        }).AsTask();
    }
}
