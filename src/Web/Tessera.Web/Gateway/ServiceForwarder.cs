using System.Net;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Tessera.ServiceDefaults.Hosting;
using Tessera.ServiceDefaults.Security;

namespace Tessera.Web.Gateway;

/// <summary>
/// Forwards /api/&lt;service&gt;/… to that service unchanged. The caller's access token was validated here; the service
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

    /// <summary>Uploads allowed past Kestrel's default 30 MB body limit: the path, and its limit (the service checks its own).</summary>
    private static readonly (string Path, long Limit)[] LargeUploads = [("/api/orders/imports", 101L * 1024 * 1024)];

    private static readonly HashSet<string> SkippedResponseHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Transfer-Encoding", "TE", "Trailer", "Upgrade", "Server",
    };

    private static void AllowLargeUpload(HttpContext context)
    {
        foreach (var (path, limit) in LargeUploads)
            if (HttpMethods.IsPost(context.Request.Method) && context.Request.Path.StartsWithSegments(path)
                && context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
                feature.MaxRequestBodySize = limit;
    }

    public async Task ForwardAsync(HttpContext context, string service)
    {
        if (!ServiceCatalog.Contains(service) || !options.Value.Services.TryGetValue(service, out var baseUrl))
        {
            await WriteProblem(context, StatusCodes.Status404NotFound, "No such API", $"There is no service '{service}' behind /api/{service}.");
            return;
        }

        var target = new Uri(new Uri(baseUrl), context.Request.Path.Value + context.Request.QueryString.Value);
        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), target);
        foreach (var header in context.Request.Headers.Where(h => !SkippedRequestHeaders.Contains(h.Key)))
            request.Headers.TryAddWithoutValidation(header.Key, header.Value.ToArray());
        if (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            AllowLargeUpload(context);
            request.Content = new StreamContent(context.Request.Body);
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
