using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Tessera.ServiceDefaults.Errors;

namespace Tessera.Web.Gateway;

/// <summary>
/// Refuses, before anything else runs, a request whose address could mean something else once decoded: a backslash
/// (raw or %5C, which an HTTP library turns into a slash), an encoded slash (%2F), "." or ".." segments (raw or
/// %2E), an encoded percent sign (double encoding, %252E), bytes that are not valid UTF-8 (overlong forms such as
/// %C0%AE) and control or bidirectional characters. No page or API address needs any of them, and each has been used
/// to step out of /api/&lt;service&gt;/ to a service's internal endpoints.
/// </summary>
public static class PathGuard
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static IApplicationBuilder UsePathGuard(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (Check(RawPath(context)) is { } reason)
            {
                await RefuseAsync(context, reason);
                return;
            }
            await next(context);
        });

    /// <summary>The path as the client sent it, before the server decoded it.</summary>
    public static string RawPath(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(raw))
            return (context.Request.PathBase + context.Request.Path).ToUriComponent();
        if (raw.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || raw.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            var afterScheme = raw.IndexOf("//", StringComparison.Ordinal) + 2;
            var pathStart = raw.IndexOf('/', afterScheme);
            raw = pathStart < 0 ? "/" : raw[pathStart..];
        }
        var query = raw.IndexOf('?', StringComparison.Ordinal);
        return query < 0 ? raw : raw[..query];
    }

    /// <summary>Why the raw path is refused, or null when it is plain.</summary>
    public static string? Check(string rawPath)
    {
        var bytes = new List<byte>(rawPath.Length);
        for (var i = 0; i < rawPath.Length; i++)
        {
            var c = rawPath[i];
            if (c == '\\')
                return "a backslash";
            if (c < 0x20 || c == 0x7f || c > 0x7e)
                return "a control or non-ASCII character that is not percent-encoded";
            if (c != '%')
            {
                bytes.Add((byte)c);
                continue;
            }
            if (i + 2 >= rawPath.Length || !byte.TryParse(rawPath.AsSpan(i + 1, 2), System.Globalization.NumberStyles.AllowHexSpecifier, null, out var decoded))
                return "a malformed percent-encoding";
            switch (decoded)
            {
                case (byte)'/':
                    return "an encoded slash (%2F)";
                case (byte)'\\':
                    return "an encoded backslash (%5C)";
                case (byte)'%':
                    return "an encoded percent sign (double encoding)";
                case < 0x20 or 0x7f:
                    return "an encoded control character";
            }
            bytes.Add(decoded);
            i += 2;
        }

        string path;
        try
        {
            path = StrictUtf8.GetString(bytes.ToArray());
        }
        catch (DecoderFallbackException)
        {
            return "bytes that are not valid UTF-8 (an overlong or broken sequence)";
        }
        if (path.Split('/').Any(segment => segment is "." or ".."))
            return "a '.' or '..' segment";
        if (path.Any(c => c is >= '\u0080' and <= '\u009f' or '\u061c' or '\u200e' or '\u200f' or >= '\u202a' and <= '\u202e' or >= '\u2066' and <= '\u2069'))
            return "a control or bidirectional formatting character";
        return null;
    }

    private static Task RefuseAsync(HttpContext context, string reason)
    {
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        const string title = "The address is not valid";
        var detail = $"The path contains {reason}. Tessera's addresses never need one: send the path of an API endpoint or a page as it is documented.";
        if (context.RequestServices.GetService<IHtmlErrorPage>() is { } page && page.Handles(context))
            return page.WriteAsync(context, StatusCodes.Status400BadRequest, title, detail);
        return context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = StatusCodes.Status400BadRequest, Title = title, Detail = detail },
        }).AsTask();
    }
}
