using System.Security.Cryptography;

namespace Tessera.ServiceDefaults.Hosting;

/// <summary>
/// Keys live in files under &lt;data&gt;/secrets, outside every database, readable by the owner only.
/// Several processes may start at once, so a key is created by an atomic rename and whoever loses the race reads the winner's key.
/// </summary>
public sealed class SecretStore
{
    private readonly string _directory;

    public SecretStore(string directory)
    {
        _directory = directory;
        FilePermissions.OwnerOnlyFolderAt(directory);
    }

    public static SecretStore ForDataDir(string dataDir)
    {
        FilePermissions.OwnerOnlyFolderAt(dataDir);
        return new SecretStore(Path.Combine(dataDir, "secrets"));
    }

    public byte[] GetOrCreateKey(string name, int length = 32)
    {
        var text = GetOrCreate(name + ".key", () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(length)));
        return Convert.FromBase64String(text.Trim());
    }

    public string GetOrCreate(string fileName, Func<string> create)
    {
        var path = Path.Combine(_directory, fileName);
        if (File.Exists(path))
            return File.ReadAllText(path);

        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        WriteOwnerOnly(temp, create());
        try
        {
            File.Move(temp, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temp);
        }
        return File.ReadAllText(path);
    }

    public DateTime LastWriteTimeUtc(string fileName) => File.GetLastWriteTimeUtc(Path.Combine(_directory, fileName));

    public string? Read(string fileName)
    {
        var path = Path.Combine(_directory, fileName);
        return File.Exists(path) ? File.ReadAllText(path) : null;
    }

    public void Write(string fileName, string content)
    {
        var path = Path.Combine(_directory, fileName);
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        WriteOwnerOnly(temp, content);
        File.Move(temp, path, overwrite: true);
    }

    private static void WriteOwnerOnly(string path, string content)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var stream = new FileStream(path, options);
        using var writer = new StreamWriter(stream);
        writer.Write(content);
        writer.Flush();
        stream.Flush(flushToDisk: true);
    }
}
