using Microsoft.AspNetCore.Http;

namespace Tessera.ServiceDefaults.Http;

public static class RequestBodies
{
    /// <summary>
    /// The raw body exactly as sent (a signature covers these bytes), or null when it is longer than
    /// <paramref name="maxBytes"/> — whether the client announced its length or not.
    /// </summary>
    public static async Task<byte[]?> ReadUpToAsync(this HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
            return null;
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
                return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }
}
