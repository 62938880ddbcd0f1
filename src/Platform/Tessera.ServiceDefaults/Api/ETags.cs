using Microsoft.AspNetCore.Http;

namespace Tessera.ServiceDefaults.Api;

/// <summary>Entity tags are the aggregate's version; If-Match makes a change conditional on the version the client saw.</summary>
public static class ETags
{
    public static string For(long version) => $"\"{version}\"";

    public static void Set(HttpResponse response, long version) => response.Headers.ETag = For(version);

    /// <summary>True when the request has no If-Match, matches any ("*"), or names <paramref name="currentVersion"/>.</summary>
    public static bool Matches(HttpRequest request, long currentVersion)
    {
        var header = request.Headers.IfMatch.ToString();
        if (string.IsNullOrWhiteSpace(header))
            return true;
        return header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Any(tag => tag == "*" || tag.TrimStart('W', '/') == For(currentVersion));
    }
}
