using System.Runtime.InteropServices;

namespace Tessera.AppHost;

/// <summary>
/// Ctrl+C, SIGINT and SIGTERM as cancellation tokens. The first signal asks for a graceful stop; a second one, while
/// the children are still shutting down, means "stop waiting and kill them".
/// </summary>
internal sealed class ShutdownSignal : IDisposable
{
    private readonly CancellationTokenSource _graceful = new();
    private readonly CancellationTokenSource _immediate = new();
    private readonly PosixSignalRegistration _sigterm;
    private readonly CancellationTokenRegistration _external;
    private int _requests;

    public ShutdownSignal(CancellationToken external)
    {
        // On Unix, CancelKeyPress is also raised for SIGINT sent by kill(1) and for SIGQUIT, so it covers SIGINT;
        // registering SIGINT separately would count one Ctrl+C twice.
        Console.CancelKeyPress += OnCancelKeyPress;
        _sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSigterm);
        _external = external.Register(Request);
    }

    /// <summary>Cancelled by the first stop request.</summary>
    public CancellationToken Graceful => _graceful.Token;

    /// <summary>Cancelled by the second stop request.</summary>
    public CancellationToken Immediate => _immediate.Token;

    public void Dispose()
    {
        Console.CancelKeyPress -= OnCancelKeyPress;
        _sigterm.Dispose();
        _external.Dispose();
        _graceful.Dispose();
        _immediate.Dispose();
    }

    private void OnCancelKeyPress(object? sender, ConsoleCancelEventArgs e)
    {
        // Without this the runtime would terminate the AppHost at once, before it has stopped its children.
        e.Cancel = true;
        Request();
    }

    private void OnSigterm(PosixSignalContext context)
    {
        context.Cancel = true;
        Request();
    }

    private void Request()
    {
        if (Interlocked.Increment(ref _requests) == 1)
            _graceful.Cancel();
        else
            _immediate.Cancel();
    }
}
