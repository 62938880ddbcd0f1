using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Tessera.AppHost;

internal static class ProcessSignals
{
    private const int SIGTERM = 15;
    private const int ESRCH = 3;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    /// <summary>
    /// Asks a child to shut down. SIGTERM lets ASP.NET Core drain requests and close its databases; .NET has no API
    /// to send it (Process.Kill is SIGKILL), hence the P/Invoke. Windows has no equivalent for a console child, so it is killed.
    /// </summary>
    public static void RequestShutdown(Process process, string name)
    {
        if (OperatingSystem.IsWindows())
        {
            KillTree(process, name);
            return;
        }

        if (SendSignal(process.Id, SIGTERM) == 0)
            return;
        var errno = Marshal.GetLastPInvokeError();
        // ESRCH: it exited between our HasExited check and the signal, which is what we wanted anyway.
        if (errno != ESRCH)
            ConsoleReport.Warning($"Could not send SIGTERM to {name} (pid {process.Id}, errno {errno}); it will be killed after the grace period.");
    }

    public static void KillTree(Process process, string name)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (Exception ex) when (ex is InvalidOperationException or Win32Exception or AggregateException)
        {
            // A process that exited on its own in the meantime is not a failure; anything else may leave an orphan.
            if (!process.HasExited)
                ConsoleReport.Error($"Could not kill {name} (pid {process.Id}): {ex.Message}");
        }
    }
}
