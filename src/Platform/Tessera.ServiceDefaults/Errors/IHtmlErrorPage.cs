using Microsoft.AspNetCore.Http;

namespace Tessera.ServiceDefaults.Errors;

/// <summary>
/// Registered by a host that serves pages (the web front-end): browser requests that fail get a page in the site's
/// look instead of problem JSON. API requests always get problem details.
/// </summary>
public interface IHtmlErrorPage
{
    /// <summary>True when this request is a page view or a page fragment rather than an API call.</summary>
    bool Handles(HttpContext context);

    Task WriteAsync(HttpContext context, int status, string title, string detail);
}
