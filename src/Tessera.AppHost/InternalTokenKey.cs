using System.Security.Cryptography;

namespace Tessera.AppHost;

/// <summary>
/// The key that signs service-to-service tokens. Every service would create it on first use, but they start in
/// parallel, and two services each minting their own key would reject each other's tokens until restarted;
/// creating it before any child starts removes that race.
/// </summary>
internal static class InternalTokenKey
{
    public const string FileName = "internal-token.key";

    public static async Task EnsureExistsAsync(DataLayout layout, CancellationToken cancellationToken)
    {
        var path = Path.Combine(layout.Secrets, FileName);
        if (File.Exists(path))
            return;

        // Written completely under a unique name, then renamed without overwriting: another process creating the key
        // at the same moment (a service from an earlier AppHost, say) either wins and we keep its key, or loses.
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        await WriteOwnerOnlyAsync(temp, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), cancellationToken);
        try
        {
            File.Move(temp, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Lost the race: the winner's key is the one every service will read, so ours is discarded.
            File.Delete(temp);
        }
    }

    private static async Task WriteOwnerOnlyAsync(string path, string content, CancellationToken cancellationToken)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

        await using var stream = new FileStream(path, options);
        await using (var writer = new StreamWriter(stream, leaveOpen: true))
            await writer.WriteAsync(content.AsMemory(), cancellationToken);
        stream.Flush(flushToDisk: true);
    }
}
