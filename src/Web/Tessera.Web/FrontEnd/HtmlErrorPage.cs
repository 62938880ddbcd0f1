using System.Diagnostics;
using System.Net;
using Tessera.ServiceDefaults.Errors;

namespace Tessera.Web.FrontEnd;

/// <summary>
/// What a person sees when something fails: a plain page (or, inside an htmx fragment, a plain notice) saying what
/// happened and a trace id to quote — never a stack trace.
/// </summary>
public sealed class HtmlErrorPage : IHtmlErrorPage
{
    public bool Handles(HttpContext context) => !WebAuthentication.IsApi(context) && !context.Request.Path.StartsWithSegments("/health");

    public async Task WriteAsync(HttpContext context, int status, string title, string detail)
    {
        var traceId = Activity.Current?.TraceId.ToString() ?? context.TraceIdentifier;
        context.Response.ContentType = "text/html; charset=utf-8";
        var notice = $"""
            <div class="alert alert-danger" role="alert">
              <strong>{WebUtility.HtmlEncode(title)}</strong> {WebUtility.HtmlEncode(detail)}
              <div class="small text-body-secondary">Trace id {traceId}</div>
            </div>
            """;
        if (WebAuthentication.IsHtmx(context.Request))
        {
            // htmx does not swap error answers by default; this one is meant to be shown in place.
            context.Response.Headers["HX-Reswap"] = "innerHTML";
            await context.Response.WriteAsync(notice);
            return;
        }
        await context.Response.WriteAsync($"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{WebUtility.HtmlEncode(title)} · Tessera</title><link rel="stylesheet" href="/lib/bootstrap/bootstrap.min.css"></head>
            <body><main class="container py-5"><div class="row justify-content-center"><div class="col-lg-6">
            <h1 class="h3 mb-4">Tessera</h1>
            {notice}
            <p><a href="/">Back to the dashboard</a></p>
            </div></div></main></body></html>
            """);
    }
}
