using System.Diagnostics;
using Tessera.ServiceDefaults.Telemetry;

namespace Tessera.ServiceDefaults.Data;

/// <summary>
/// One writer per database at a time inside this process. SQLite allows a single writer anyway; queueing writers here
/// instead of letting them spin on SQLITE_BUSY keeps tail latency low (see docs/adr/0002). Readers never wait (WAL).
/// For a server database the gate is disabled and the database's own locking decides.
/// </summary>
public sealed class WriteGate(bool enabled = true)
{
    private readonly SemaphoreSlim _semaphore = new(1, 1);
    private int _waiting;

    public bool Enabled { get; } = enabled;

    /// <summary>Someone is waiting for the gate: a long holder (a group of inbox messages) should let go soon.</summary>
    public bool Contended => Volatile.Read(ref _waiting) > 0;

    public async ValueTask<IDisposable> AcquireAsync(CancellationToken cancellationToken)
    {
        if (!Enabled)
            return NoLease.Instance;
        if (_semaphore.Wait(0, CancellationToken.None))
        {
            TesseraTelemetry.WriteGateWait.Record(0);
            return new Lease(_semaphore);
        }
        var started = Stopwatch.GetTimestamp();
        Interlocked.Increment(ref _waiting);
        try
        {
            await _semaphore.WaitAsync(cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
        TesseraTelemetry.WriteGateWait.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
        return new Lease(_semaphore);
    }

    private sealed class Lease(SemaphoreSlim semaphore) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
                semaphore.Release();
        }
    }

    private sealed class NoLease : IDisposable
    {
        public static readonly NoLease Instance = new();
        public void Dispose() { }
    }
}
