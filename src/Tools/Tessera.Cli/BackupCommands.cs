using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Spectre.Console;

namespace Tessera.Cli;

/// <summary>
/// tessera backup &lt;folder&gt;: asks the running installation for an online backup into a new folder on its machine
/// (every service's database as one consistent cut, plus the keys). tessera restore &lt;folder&gt; --data &lt;dir&gt;: lays
/// such a backup out as a data folder, after checking every file against backup.json; the AppHost then starts on it.
/// </summary>
public static class BackupCommands
{
    private sealed record Manifest(int Format, string Id, DateTimeOffset CreatedAt, string Version, double FrozenMs, List<Database> Databases, List<FileEntry> Files);

    private sealed record Database(string Service, string File, long Bytes, string Sha256);

    private sealed record FileEntry(string File, long Bytes, string Sha256);

    public static async Task<int> BackupAsync(ApiClient api, string folder, CancellationToken cancellationToken)
    {
        var target = Path.GetFullPath(folder);
        var started = Stopwatch.StartNew();
        using var response = await api.PostAsync("/api/operations/backups", new { folder = target }, null, cancellationToken);
        var manifest = await api.ReadAsync<Manifest>(response, cancellationToken);
        var table = new Table().AddColumn("Service").AddColumn("Database").AddColumn(new TableColumn("Size").RightAligned());
        foreach (var database in manifest.Databases)
            table.AddRow(database.Service, database.File, Size(database.Bytes));
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine(CultureInfo.InvariantCulture,
            "[green]Backup {0} written to {1}[/] in {2:0.0} s: {3} databases and {4} key and data files; writes were held {5:0.0} ms.",
            manifest.Id, Markup.Escape(target), started.Elapsed.TotalSeconds, manifest.Databases.Count, manifest.Files.Count, manifest.FrozenMs);
        return 0;
    }

    public static async Task<int> RestoreAsync(string folder, string dataDir, CancellationToken cancellationToken)
    {
        var source = Path.GetFullPath(folder);
        var target = Path.GetFullPath(dataDir);
        var manifestPath = Path.Combine(source, "backup.json");
        if (!File.Exists(manifestPath))
        {
            AnsiConsole.MarkupLine($"[red]{Markup.Escape(manifestPath)} is missing:[/] that folder does not hold a Tessera backup.");
            return 2;
        }
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any(e => Path.GetFileName(e) is not ("logs" or "run")))
        {
            AnsiConsole.MarkupLine($"[red]{Markup.Escape(target)} is not empty.[/] Restore into a new folder and start Tessera on it (--data), " +
                                   "so the installation it replaces stays as it was until you switch.");
            return 2;
        }
        var manifest = JsonSerializer.Deserialize<Manifest>(await File.ReadAllTextAsync(manifestPath, cancellationToken), ApiClient.Json)!;
        var entries = manifest.Databases.Select(d => (Stored: d.File, Restored: Path.GetRelativePath(d.Service, d.File), d.Sha256))
            .Concat(manifest.Files.Select(f => (Stored: Path.Combine("files", f.File), Restored: f.File, f.Sha256)))
            .ToList();

        // Everything is checked before anything is written: a damaged backup restores nothing.
        foreach (var (stored, _, sha256) in entries)
        {
            var path = Path.Combine(source, stored);
            if (!IsInside(source, path) || !File.Exists(path))
                return Fail($"{stored} is listed in backup.json but missing.");
            if (!string.Equals(await Sha256Async(path, cancellationToken), sha256, StringComparison.OrdinalIgnoreCase))
                return Fail($"{stored} does not match its checksum in backup.json; the backup is damaged.");
        }

        CreateOwnerOnlyFolder(target);
        foreach (var (stored, restored, _) in entries)
        {
            var destination = Path.Combine(target, restored);
            if (!IsInside(target, destination))
                return Fail($"{restored} would land outside {target}.");
            CreateOwnerOnlyFolder(Path.GetDirectoryName(destination)!);
            File.Copy(Path.Combine(source, stored), destination);
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(destination, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        AnsiConsole.MarkupLine(CultureInfo.InvariantCulture,
            "[green]Restored backup {0}[/] (taken {1:u}, {2}) into {3}: {4} databases, {5} key and data files.",
            manifest.Id, manifest.CreatedAt, Markup.Escape(manifest.Version), Markup.Escape(target), manifest.Databases.Count, manifest.Files.Count);
        AnsiConsole.MarkupLine($"Start it with: [bold]dotnet run --project src/Tessera.AppHost -- --data {Markup.Escape(target)}[/]");
        return 0;
    }

    private static int Fail(string message)
    {
        AnsiConsole.MarkupLine($"[red]{Markup.Escape(message)}[/] Nothing was restored.");
        return 3;
    }

    private static bool IsInside(string folder, string path) =>
        Path.GetFullPath(path).StartsWith(Path.GetFullPath(folder) + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private static void CreateOwnerOnlyFolder(string path)
    {
        if (OperatingSystem.IsWindows())
            Directory.CreateDirectory(path);
        else
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static async Task<string> Sha256Async(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
    }

    private static string Size(long bytes) => bytes >= 1 << 20
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:0.0} MB")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} kB");
}
