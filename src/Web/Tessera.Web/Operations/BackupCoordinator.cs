using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Tessera.ServiceDefaults.Data.Backup;
using Tessera.ServiceDefaults.Errors;
using Tessera.ServiceDefaults.Hosting;
using Tessera.ServiceDefaults.Json;
using Tessera.ServiceDefaults.Security;

namespace Tessera.Web.Operations;

/// <summary>What a backup folder holds, written last as backup.json: restore reads and checks it.</summary>
public sealed record BackupManifest(
    int Format,
    string Id,
    DateTimeOffset CreatedAt,
    string Version,
    double FrozenMs,
    IReadOnlyList<BackupDatabase> Databases,
    IReadOnlyList<BackupFileDto> Files)
{
    public const string FileName = "backup.json";
}

public sealed record BackupDatabase(string Service, string File, long Bytes, string Sha256);

/// <summary>
/// Takes an online backup of the whole installation while it serves (docs/adr/0028): every service freezes its writes
/// at once and fixes a snapshot of its databases — one consistent cut, so a restored subscriber's checkpoint never
/// points past what its producer has — then copies it with SQLite's backup API. The keys (secrets, Data Protection) are
/// copied beside them, and backup.json lists every file with its SHA-256.
/// </summary>
public sealed class BackupCoordinator(
    IHttpClientFactory clients,
    DatabaseSnapshots local,
    ServiceTokenProvider tokens,
    IOptionsMonitor<TesseraOptions> options,
    ILogger<BackupCoordinator> logger)
{
    public const string ClientName = "backup";

    /// <summary>Top-level entries of the data folder that are not copied: the databases are copied by their services, logs and run state are not data.</summary>
    private static readonly string[] SkippedFolders = ["logs", "run"];

    public async Task<BackupManifest> RunAsync(string folder, CancellationToken cancellationToken)
    {
        var id = Guid.NewGuid().ToString("N");
        var services = ServiceCatalog.Names.Where(options.CurrentValue.Services.ContainsKey).ToList();
        FilePermissions.OwnerOnlyFolderAt(folder);

        var frozen = new List<string>();
        var freezing = Stopwatch.StartNew();
        try
        {
            await Task.WhenAll(services.Select(async service =>
            {
                using var response = await SendAsync(service, HttpMethod.Post, $"/api/{service}/backup/{id}/freeze", null, cancellationToken);
                lock (frozen)
                    frozen.Add(service);
            }));
            await local.FreezeAsync(id, cancellationToken);
        }
        catch
        {
            await AbortAsync(id, frozen);
            throw;
        }
        var frozenMs = freezing.Elapsed.TotalMilliseconds;

        var databases = new List<BackupDatabase>();
        var copies = services.Select(async service =>
        {
            using var response = await SendAsync(service, HttpMethod.Post, $"/api/{service}/backup/{id}/copy",
                new BackupCopyRequest(Path.Combine(folder, service)), cancellationToken);
            var files = await response.Content.ReadFromJsonAsync<List<BackupFileDto>>(TesseraJson.Options, cancellationToken) ?? [];
            return files.Select(f => new BackupDatabase(service, Path.Combine(service, f.File), f.Bytes, f.Sha256));
        }).ToList();
        var own = (await local.CopyAsync(id, Path.Combine(folder, options.CurrentValue.ServiceName), cancellationToken))!
            .Select(f => new BackupDatabase(options.CurrentValue.ServiceName, Path.Combine(options.CurrentValue.ServiceName, f.File), f.Bytes, f.Sha256));
        foreach (var copy in copies)
            databases.AddRange(await copy);
        databases.AddRange(own);

        var files = await CopyKeysAndFilesAsync(options.CurrentValue.ResolveDataDir(), folder, cancellationToken);
        var manifest = new BackupManifest(1, id, DateTimeOffset.UtcNow, BuildInfo.Version, frozenMs, databases, files);
        await File.WriteAllTextAsync(Path.Combine(folder, BackupManifest.FileName),
            JsonSerializer.Serialize(manifest, new JsonSerializerOptions(TesseraJson.Options) { WriteIndented = true }), cancellationToken);
        logger.LogInformation("Backup {BackupId} written to {Folder}: {Databases} databases, {Files} other files; writes were held {FrozenMs:0.0} ms",
            id, folder, databases.Count, files.Count, frozenMs);
        return manifest;
    }

    /// <summary>Everything else in the data folder (keys, secrets, uploads in progress), path by path.</summary>
    private static async Task<List<BackupFileDto>> CopyKeysAndFilesAsync(string dataDir, string folder, CancellationToken cancellationToken)
    {
        var target = Path.GetFullPath(folder) + Path.DirectorySeparatorChar;
        var files = new List<BackupFileDto>();
        foreach (var directory in Directory.EnumerateDirectories(dataDir))
        {
            var name = Path.GetFileName(directory);
            // A folder named after a service holds data that service keeps beside its databases (reporting's
            // warehouses): the service copies it as part of the cut, a file copy here could catch it half-written.
            if (SkippedFolders.Contains(name) || ServiceCatalog.Names.Contains(name) || target.StartsWith(Path.GetFullPath(directory) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                continue;
            foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
            {
                if (file.EndsWith(".tmp", StringComparison.Ordinal))
                    continue;
                var relative = Path.GetRelativePath(dataDir, file);
                var destination = Path.Combine(folder, "files", relative);
                FilePermissions.OwnerOnlyFolderAt(Path.GetDirectoryName(destination)!);
                File.Copy(file, destination, overwrite: true);
                files.Add(new BackupFileDto(relative, new FileInfo(destination).Length, await DatabaseSnapshots.Sha256Async(destination, cancellationToken)));
            }
        }
        return files;
    }

    private async Task AbortAsync(string id, IEnumerable<string> frozen)
    {
        await local.AbortAsync(id);
        foreach (var service in frozen)
        {
            try
            {
                using var _ = await SendAsync(service, HttpMethod.Delete, $"/api/{service}/backup/{id}", null, CancellationToken.None);
            }
            catch (Exception ex) when (ex is DependencyUnavailableException or HttpRequestException)
            {
                // It releases its freeze on its own after DatabaseSnapshots.FreezeLimit.
            }
        }
    }

    private async Task<HttpResponseMessage> SendAsync(string service, HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(options.CurrentValue.ServiceUri(service), path));
        // The services take these calls from the front-end's own identity, whoever asked for the backup.
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.GetToken());
        if (body is not null)
            request.Content = JsonContent.Create(body, options: TesseraJson.Options);
        HttpResponseMessage response;
        try
        {
            response = await clients.CreateClient(ClientName).SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new DependencyUnavailableException(service, ex);
        }
        if (response.IsSuccessStatusCode)
            return response;
        var detail = await response.Content.ReadAsStringAsync(cancellationToken);
        response.Dispose();
        throw new InvalidOperationException($"{service} answered {(int)response.StatusCode} to {method} {path}: {detail}");
    }
}
