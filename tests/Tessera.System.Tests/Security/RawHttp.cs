using System.Net.Sockets;
using System.Text;

namespace Tessera.System.Tests.Security;

/// <summary>
/// One HTTP/1.1 request written byte for byte on a socket: HttpClient and Uri would normalise "..", backslashes and
/// percent-encodings before sending, which is exactly what an attacker does not do.
/// </summary>
public static class RawHttp
{
    public sealed record Answer(int Status, IReadOnlyDictionary<string, string> Headers, string Body);

    public static async Task<Answer> SendAsync(Uri server, string method, string rawTarget, string? bearer = null, string? body = null,
        TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port, cancel.Token);
        await using var stream = client.GetStream();
        var request = new StringBuilder()
            .Append($"{method} {rawTarget} HTTP/1.1\r\n")
            .Append($"Host: {server.Authority}\r\n")
            .Append("Connection: close\r\n");
        if (bearer is not null)
            request.Append($"Authorization: Bearer {bearer}\r\n");
        var payload = body is null ? [] : Encoding.UTF8.GetBytes(body);
        if (body is not null)
            request.Append("Content-Type: application/json\r\n").Append($"Content-Length: {payload.Length}\r\n");
        request.Append("\r\n");
        await stream.WriteAsync(Encoding.Latin1.GetBytes(request.ToString()), cancel.Token);
        await stream.WriteAsync(payload, cancel.Token);

        return await ReadAsync(stream, cancel.Token);
    }

    /// <summary>
    /// Announces a body of <paramref name="length"/> bytes and sends its first 64 KB, as a client uploading something
    /// too large would; the server may answer and close before the rest, so what is read is its answer.
    /// </summary>
    public static async Task<Answer> SendOversizedAsync(Uri server, string method, string rawTarget, string bearer, string contentType, long length)
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port, cancel.Token);
        await using var stream = client.GetStream();
        var head = $"{method} {rawTarget} HTTP/1.1\r\nHost: {server.Authority}\r\nConnection: close\r\nAuthorization: Bearer {bearer}\r\n" +
                   $"Content-Type: {contentType}\r\nContent-Length: {length}\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), cancel.Token);
        try
        {
            await stream.WriteAsync(new byte[64 * 1024], cancel.Token);
        }
        catch (IOException)
        {
            // The server answered and closed before taking more: what it answered is still to be read.
        }
        return await ReadAsync(stream, cancel.Token);
    }

    /// <summary>Everything the server sent until it closed; a reset after its answer keeps what arrived before it.</summary>
    private static async Task<Answer> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        using var received = new MemoryStream();
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
                received.Write(buffer, 0, read);
        }
        catch (IOException) when (received.Length > 0)
        {
            // Reset after the answer was sent.
        }
        var text = Encoding.UTF8.GetString(received.ToArray());
        var headerEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var lines = text[..(headerEnd < 0 ? text.Length : headerEnd)].Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], global::System.Globalization.CultureInfo.InvariantCulture);
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).Where(p => p.Length == 2)
            .GroupBy(p => p[0].Trim(), StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => string.Join(", ", g.Select(p => p[1].Trim())), StringComparer.OrdinalIgnoreCase);
        return new Answer(status, headers, headerEnd < 0 ? "" : text[(headerEnd + 4)..]);
    }
}
