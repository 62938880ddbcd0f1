using Microsoft.AspNetCore.Http.Features;

namespace Tessera.Web.Gateway;

/// <summary>
/// How large a request body may be and how long it may take to arrive, per route (docs/security.md). JSON bodies are
/// read whole at the gateway before the service is asked, so a body that is too large (413) or too slow (408) never
/// reaches the service; uploads are streamed and cut when they pass their limit.
/// </summary>
public sealed record BodyLimit(string Method, string Path, long MaxBytes, TimeSpan Deadline, bool Streamed)
{
    public const long JsonBytes = 1024 * 1024;
    public static readonly TimeSpan JsonDeadline = TimeSpan.FromSeconds(30);

    /// <summary>Every /api body not listed in <see cref="Routes"/>.</summary>
    public static readonly BodyLimit Json = new("*", "/api", JsonBytes, JsonDeadline, Streamed: false);

    public static readonly IReadOnlyList<BodyLimit> Routes =
    [
        // An order import: a CSV file up to 100 MB and its multipart envelope, passed on as it arrives.
        new("POST", "/api/orders/imports", 101L * 1024 * 1024, TimeSpan.FromMinutes(10), Streamed: true),
    ];

    public static BodyLimit For(HttpRequest request) =>
        Routes.FirstOrDefault(r => (r.Method == "*" || HttpMethods.Equals(r.Method, request.Method)) && request.Path.Equals(r.Path, StringComparison.OrdinalIgnoreCase))
        ?? Json;

    public string Describe() => MaxBytes >= 1024 * 1024 ? $"{MaxBytes / (1024 * 1024)} MB" : $"{MaxBytes / 1024} KB";

    /// <summary>Lets Kestrel take a body this large on this request (its own default stops at <see cref="JsonBytes"/> here).</summary>
    public void AllowOn(HttpContext context)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
            feature.MaxRequestBodySize = MaxBytes + 1;
    }
}

/// <summary>Why a request body was not taken: too large (413) or too slow (408).</summary>
public sealed record BodyRefusal(int Status, string Title, string Detail)
{
    public static BodyRefusal TooLarge(BodyLimit limit) => new(StatusCodes.Status413PayloadTooLarge, "The body is too large",
        $"A request body here is at most {limit.Describe()}. Send less in one request (see docs/security.md for the limits per route).");

    public static BodyRefusal TooSlow(BodyLimit limit) => new(StatusCodes.Status408RequestTimeout, "The body came too slowly",
        $"The whole body must arrive within {limit.Deadline.TotalSeconds:0} s, without long pauses. Nothing was passed on; send it again.");

    /// <summary>What Kestrel's own checks (size, minimum data rate) mean, in the same words.</summary>
    public static BodyRefusal? From(BadHttpRequestException exception, BodyLimit limit) => exception.StatusCode switch
    {
        StatusCodes.Status413PayloadTooLarge => TooLarge(limit),
        StatusCodes.Status408RequestTimeout => TooSlow(limit),
        _ => null,
    };
}

/// <summary>
/// A streamed upload on its way to the service: counts what passed, and when the body goes over its limit, stalls or
/// takes too long, records why and breaks the forward so that the gateway can answer 413 or 408 instead of 503.
/// </summary>
internal sealed class GuardedBody(Stream inner, BodyLimit limit, CancellationToken requestAborted) : Stream
{
    private readonly CancellationTokenSource _deadline = CreateDeadline(limit, requestAborted);
    private long _read;

    public BodyRefusal? Refusal { get; private set; }

    private static CancellationTokenSource CreateDeadline(BodyLimit limit, CancellationToken requestAborted)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
        source.CancelAfter(limit.Deadline);
        return source;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int read;
        try
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _deadline.Token);
            read = await inner.ReadAsync(buffer, linked.Token);
        }
        catch (BadHttpRequestException ex) when (BodyRefusal.From(ex, limit) is { } refusal)
        {
            Refusal = refusal;
            throw new IOException(refusal.Title, ex);
        }
        catch (OperationCanceledException ex) when (_deadline.IsCancellationRequested && !requestAborted.IsCancellationRequested)
        {
            Refusal = BodyRefusal.TooSlow(limit);
            throw new IOException(Refusal.Title, ex);
        }
        _read += read;
        if (_read > limit.MaxBytes)
        {
            Refusal = BodyRefusal.TooLarge(limit);
            throw new IOException(Refusal.Title);
        }
        return read;
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _read; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            _deadline.Dispose();
        base.Dispose(disposing);
    }
}
