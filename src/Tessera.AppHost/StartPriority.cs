using System.Runtime.InteropServices;

namespace Tessera.AppHost;

/// <summary>
/// A new build that a rolling upgrade starts beside the running one spends a few seconds of CPU compiling and opening
/// its database, on the cores the running services answer requests with. While it starts, its threads run at a lower
/// priority (a nice value <see cref="Lowered"/> above the AppHost's), so that the requests of the running services
/// come first; once it is ready, before any request is sent to it, every thread is raised back to the AppHost's own
/// priority (docs/adr/0030). On cores the running services keep busy, a lowered start can take several times as long:
/// after <see cref="AtMost"/> the process is raised back anyway, so that it is never starved into its readiness timeout
/// (at nice +10, the catalog took 62 s and the inventory was rolled back under the 50-user load).
/// Raising a priority back needs CAP_SYS_NICE (root) or an RLIMIT_NICE that allows it (systemd: LimitNICE=); without
/// either the process would stay lowered for good, so it is not lowered at all. Linux only: elsewhere a new build
/// starts at the AppHost's priority.
/// </summary>
internal static class StartPriority
{
    public const int Lowered = 5;
    private const int PrioProcess = 0;
    private const int RlimitNice = 13;

    [DllImport("libc", EntryPoint = "setpriority", SetLastError = true)]
    private static extern int SetPriority(int which, int who, int priority);

    [DllImport("libc", EntryPoint = "getpriority", SetLastError = true)]
    private static extern int GetPriority(int which, int who);

    [DllImport("libc", EntryPoint = "geteuid")]
    private static extern uint GetEffectiveUserId();

    [DllImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static extern int GetResourceLimit(int resource, out ResourceLimit limit);

    [StructLayout(LayoutKind.Sequential)]
    private struct ResourceLimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    /// <summary>The AppHost's own nice value, when it may lower a child and raise it back to that; otherwise null.</summary>
    public static int? RaisableTo { get; } = Probe();

    public static readonly TimeSpan AtMost = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Lowers every thread of <paramref name="pid"/> (threads it starts later inherit the priority of their creator)
    /// until the result is disposed or <see cref="AtMost"/> has passed, whichever comes first.
    /// </summary>
    public static IDisposable WhileStarting(int pid) => RaisableTo is { } own ? new Lowering(pid, own) : Nothing.Instance;

    private sealed class Lowering : IDisposable
    {
        private readonly int _pid;
        private readonly int _own;
        private readonly Timer _deadline;
        private int _raised;

        public Lowering(int pid, int own)
        {
            (_pid, _own) = (pid, own);
            SetEveryThread(pid, Math.Min(19, own + Lowered));
            _deadline = new Timer(_ => Raise(), null, AtMost, Timeout.InfiniteTimeSpan);
        }

        public void Dispose()
        {
            _deadline.Dispose();
            Raise();
        }

        private void Raise()
        {
            if (Interlocked.Exchange(ref _raised, 1) == 0)
                SetEveryThread(_pid, _own);
        }
    }

    private sealed class Nothing : IDisposable
    {
        public static readonly Nothing Instance = new();

        public void Dispose()
        {
        }
    }

    private static int? Probe()
    {
        if (!OperatingSystem.IsLinux())
            return null;
        Marshal.SetLastPInvokeError(0);
        var own = GetPriority(PrioProcess, 0);
        if (own == -1 && Marshal.GetLastPInvokeError() != 0)
            return null;
        if (GetEffectiveUserId() == 0)
            return own;
        // RLIMIT_NICE lets an unprivileged process go down to nice 20 - limit.
        return GetResourceLimit(RlimitNice, out var limit) == 0 && limit.Current >= (ulong)(20 - own) ? own : null;
    }

    /// <summary>Passes over /proc/&lt;pid&gt;/task until every thread has the value: one started meanwhile is caught by the next pass.</summary>
    private static void SetEveryThread(int pid, int nice)
    {
        for (var pass = 0; pass < 5; pass++)
        {
            var changed = false;
            string[] threads;
            try
            {
                threads = Directory.GetDirectories($"/proc/{pid}/task");
            }
            catch (IOException)
            {
                return; // The process is gone.
            }
            foreach (var thread in threads)
            {
                if (!int.TryParse(Path.GetFileName(thread), out var tid))
                    continue;
                Marshal.SetLastPInvokeError(0);
                var current = GetPriority(PrioProcess, tid);
                if (current == -1 && Marshal.GetLastPInvokeError() != 0)
                    continue; // The thread ended.
                if (current == nice)
                    continue;
                SetPriority(PrioProcess, tid, nice);
                changed = true;
            }
            if (!changed)
                return;
        }
    }
}
