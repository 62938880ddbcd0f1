using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Tessera.ServiceDefaults.Telemetry;

/// <summary>An error this process logged, with the trace it happened in (the operations console links them).</summary>
public sealed record RecentErrorDto(DateTimeOffset At, string Service, string Category, string Message, string? Exception, string? TraceId);

/// <summary>
/// The last errors this process logged (level Error and above), kept in memory for the operations console: what went
/// wrong recently and the trace id to look it up by. Logs hold no personal data (docs/security.md), so neither does this.
/// </summary>
public sealed class RecentErrors
{
    private const int Capacity = 200;
    private readonly RecentErrorDto?[] _ring = new RecentErrorDto?[Capacity];
    private readonly Lock _gate = new();
    private long _next;

    public string Service { get; set; } = "";

    public void Add(RecentErrorDto error)
    {
        lock (_gate)
            _ring[_next++ % Capacity] = error;
    }

    /// <summary>Newest first.</summary>
    public IReadOnlyList<RecentErrorDto> Latest(int count)
    {
        lock (_gate)
            return _ring.Where(e => e is not null).Select(e => e!).OrderByDescending(e => e.At).Take(count).ToList();
    }
}

internal sealed class RecentErrorsLoggerProvider(RecentErrors errors) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new Logger(errors, categoryName);

    public void Dispose() { }

    private sealed class Logger(RecentErrors errors, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
                return;
            var message = formatter(state, exception);
            errors.Add(new RecentErrorDto(DateTimeOffset.UtcNow, errors.Service, category, message.Length > 2000 ? message[..2000] : message,
                exception is null ? null : $"{exception.GetType().Name}: {exception.Message}", Activity.Current?.TraceId.ToHexString()));
        }
    }
}
