using System.Runtime.InteropServices;

namespace Tessera.AppHost;

/// <summary>Files this process and its children create are readable by their owner only (umask 077).</summary>
internal static class OwnerOnly
{
    public const UnixFileMode Folder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode File = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [DllImport("libc", EntryPoint = "umask")]
    private static extern uint Umask(uint mask);

    public static void Apply()
    {
        if (!OperatingSystem.IsWindows())
            _ = Umask(0x3f); // 077
    }

    public static void TrySetMode(string path, UnixFileMode mode)
    {
        if (OperatingSystem.IsWindows())
            return;
        try
        {
            System.IO.File.SetUnixFileMode(path, mode);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Someone else's folder that we may write in: the files we create in it are still owner-only.
        }
    }

    /// <summary>Closes log files an earlier version left readable by others.</summary>
    public static void RestrictFiles(string folder, string pattern)
    {
        if (OperatingSystem.IsWindows())
            return;
        foreach (var path in Directory.EnumerateFiles(folder, pattern))
        {
            if ((System.IO.File.GetUnixFileMode(path) & ~File) != 0)
                TrySetMode(path, File);
        }
    }
}
