using System.Runtime.InteropServices;

namespace Tessera.ServiceDefaults.Hosting;

/// <summary>
/// Databases, their WAL files, logs and uploads hold business and personal data: every file this process creates is
/// readable by its owner only (umask 077), like the secrets folder, and the data folder itself is closed to others.
/// </summary>
public static class FilePermissions
{
    public const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    public const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static void OwnerOnlyFromNowOn()
    {
        if (!OperatingSystem.IsWindows())
            _ = Umask(0x3f); // 077
    }

    /// <summary>
    /// Creates the folder if needed and closes it to group and others, whoever created it first. A shared folder such
    /// as /tmp (sticky bit) given as the data folder is left as it is: its files are still created owner-only.
    /// </summary>
    public static DirectoryInfo OwnerOnlyFolderAt(string path)
    {
        var directory = Directory.CreateDirectory(path);
        if (OperatingSystem.IsWindows())
            return directory;
        var mode = File.GetUnixFileMode(path);
        try
        {
            if ((mode & UnixFileMode.StickyBit) == 0 && (mode & ~OwnerOnlyFolder) != 0)
                File.SetUnixFileMode(path, OwnerOnlyFolder);
        }
        catch (UnauthorizedAccessException)
        {
            // Someone else's folder that this process may write in: its own files are still owner-only.
        }
        return directory;
    }

    /// <summary>Closes files an earlier version created readable by others (databases and their WAL and shared-memory files).</summary>
    public static void RestrictExisting(string folder, string pattern)
    {
        if (OperatingSystem.IsWindows() || !Directory.Exists(folder))
            return;
        foreach (var file in Directory.EnumerateFiles(folder, pattern))
        {
            try
            {
                if ((File.GetUnixFileMode(file) & ~OwnerOnlyFile) != 0)
                    File.SetUnixFileMode(file, OwnerOnlyFile);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Another owner's file, or gone meanwhile: nothing this process may change.
            }
        }
    }

    [DllImport("libc", EntryPoint = "umask")]
    private static extern uint Umask(uint mask);
}
