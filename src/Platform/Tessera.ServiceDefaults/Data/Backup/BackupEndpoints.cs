using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Tessera.ServiceDefaults.Errors;
using Tessera.ServiceDefaults.Security;

namespace Tessera.ServiceDefaults.Data.Backup;

/// <summary>The folder a service copies its databases into.</summary>
public sealed record BackupCopyRequest(string Folder);

/// <summary>
/// The service's part of an online backup, for the coordinator only (the web front-end, with its service identity):
/// freeze writes for a moment and fix a snapshot, copy the snapshot, or give up.
/// </summary>
public static class BackupEndpoints
{
    public static void MapBackupEndpoints(this IEndpointRouteBuilder endpoints, string apiPrefix)
    {
        var group = endpoints.MapGroup(apiPrefix + "/backup/{backupId}").WithTags("Backup")
            .RequireAuthorization(p => p.RequireRole(Roles.Service));
        group.MapPost("/freeze", Freeze).WithName("FreezeForBackup")
            .WithSummary($"Hold writes until every database's snapshot is fixed; released by /copy or after {DatabaseSnapshots.FreezeLimit.TotalSeconds:0} s.");
        group.MapPost("/copy", Copy).WithName("CopyBackup")
            .WithSummary("Let writes go, then copy the frozen snapshots into the folder (SQLite's online backup).");
        group.MapDelete("", Abort).WithName("AbortBackup").WithSummary("Give up a freeze.");
    }

    private static async Task<Results<NoContent, ValidationProblem>> Freeze(string backupId, DatabaseSnapshots snapshots, CancellationToken cancellationToken)
    {
        if (!IsId(backupId))
            return Problems.Validation("backupId", "A backup id is 1 to 64 letters, digits or '-'.");
        await snapshots.FreezeAsync(backupId, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<IReadOnlyList<BackupFileDto>>, ValidationProblem, ProblemHttpResult>> Copy(
        string backupId, BackupCopyRequest request, DatabaseSnapshots snapshots, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Folder) || !Path.IsPathFullyQualified(request.Folder))
            return Problems.Validation("folder", "The folder is an absolute path on the machine this service runs on.");
        var files = await snapshots.CopyAsync(backupId, request.Folder, cancellationToken);
        return files is null
            ? Problems.Conflict("Nothing is frozen for this backup", $"Backup {backupId} is not frozen here (never, or it was released after {DatabaseSnapshots.FreezeLimit.TotalSeconds:0} s).")
            : TypedResults.Ok(files);
    }

    private static async Task<NoContent> Abort(string backupId, DatabaseSnapshots snapshots)
    {
        await snapshots.AbortAsync(backupId);
        return TypedResults.NoContent();
    }

    private static bool IsId(string id) => id.Length is > 0 and <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');
}
