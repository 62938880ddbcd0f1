using System.Net;
using Microsoft.Extensions.Options;
using Tessera.ServiceDefaults.Hosting;

namespace Tessera.Web.Gateway;

/// <summary>A plain landing page: what this is, where the API is, and whether each service is up right now.</summary>
public static class HomePage
{
    public static void Map(WebApplication app) =>
        app.MapGet("/", Render).AllowAnonymous().ExcludeFromDescription();

    private static async Task<IResult> Render(IHttpClientFactory clients, IOptions<TesseraOptions> options, CancellationToken cancellationToken)
    {
        var client = clients.CreateClient(ServiceForwarder.ClientName);
        var rows = new List<string>();
        foreach (var service in ServiceForwarder.ForwardedServices.Order())
        {
            var state = "not configured";
            if (options.Value.Services.TryGetValue(service, out var url))
            {
                try
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    timeout.CancelAfter(TimeSpan.FromSeconds(2));
                    using var response = await client.GetAsync(new Uri(new Uri(url), "/health/ready"), timeout.Token);
                    state = response.IsSuccessStatusCode ? "ready" : $"not ready ({(int)response.StatusCode})";
                }
                catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException)
                {
                    state = "unavailable";
                }
            }
            rows.Add($"<tr><td>{WebUtility.HtmlEncode(service)}</td><td>{WebUtility.HtmlEncode(state)}</td></tr>");
        }

        var html = $$"""
            <!doctype html>
            <html lang="en">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Tessera</title>
            <style>body{font-family:system-ui,sans-serif;max-width:48rem;margin:3rem auto;padding:0 1rem;color:#222}td,th{padding:.3rem 1rem;text-align:left}code{background:#f3f3f3;padding:.1rem .3rem}</style></head>
            <body>
            <h1>Tessera</h1>
            <p>An ERP for e-commerce and retail, built as independent services.</p>
            <h2>Services</h2>
            <table><thead><tr><th>Service</th><th>State</th></tr></thead><tbody>{{string.Join("", rows)}}</tbody></table>
            <h2>API</h2>
            <p>Get a token with <code>POST /api/auth/token</code> and call <code>/api/catalog/…</code>, <code>/api/inventory/…</code> and <code>/api/orders/…</code> with it.</p>
            </body></html>
            """;
        return Results.Content(html, "text/html; charset=utf-8");
    }
}
