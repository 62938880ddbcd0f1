using System.Text;

namespace Tessera.AppHost;

/// <summary>
/// A service's stdout and stderr, appended line by line to &lt;data&gt;/logs/&lt;name&gt;.log for the whole life of the
/// AppHost, restarts included. Each line is flushed at once so a crash report or "tail -f" never misses the last words.
/// </summary>
internal sealed class ChildLog : IAsyncDisposable
{
    private const int TailWindowBytes = 64 * 1024;

    private readonly StreamWriter _writer;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private bool _disposed;

    public ChildLog(string path)
    {
        Path = path;
        var stream = new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.Append,
            Access = FileAccess.Write,
            // Readers (tail -f, tests, ReadTailAsync) must be able to open it while we write.
            Share = FileShare.ReadWrite | FileShare.Delete,
            Options = FileOptions.Asynchronous,
        });
        _writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
    }

    public string Path { get; }

    /// <summary>Called by the stdout and stderr pumps concurrently; the gate keeps their lines whole.</summary>
    public async Task AppendAsync(string line)
    {
        await _gate.WaitAsync();
        try
        {
            // A child that outlived its grace period may still print after the AppHost closed the log.
            if (_disposed)
                return;
            await _writer.WriteLineAsync(line);
            await _writer.FlushAsync();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The last <paramref name="count"/> lines, read from the end of the file so a large log costs nothing extra.</summary>
    public async Task<IReadOnlyList<string>> ReadTailAsync(int count)
    {
        await using var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var start = Math.Max(0, stream.Length - TailWindowBytes);
        stream.Seek(start, SeekOrigin.Begin);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var lines = (await reader.ReadToEndAsync()).Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        if (start > 0 && lines.Count > 0)
            lines.RemoveAt(0); // Cut mid-line by the window.
        if (lines.Count > 0 && lines[^1].Length == 0)
            lines.RemoveAt(lines.Count - 1);
        return lines.TakeLast(count).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync();
        try
        {
            _disposed = true;
            await _writer.DisposeAsync();
        }
        finally
        {
            _gate.Release();
        }
    }
}
