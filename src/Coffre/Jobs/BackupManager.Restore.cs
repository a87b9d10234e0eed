using Coffre.Application.Restore;
using Coffre.Model;
using Coffre.Repository;
using Coffre.Restore;
using Coffre.Application;

namespace Coffre.Jobs;

public sealed partial class BackupManager
{
    /// <summary>
    /// What <paramref name="request"/> would do, computed without writing anything: show it, ask, then pass it to
    /// <see cref="RestoreBackupAsync(Repository.Repository, RestorePlan, RestoreRequest, Action{string}?, CancellationToken)"/>.
    /// </summary>
    public async Task<(Repository.Repository Repository, RestorePlan Plan)> PlanRestoreAsync(RestoreRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var repo = await OpenRepositoryAsync(request.Destination, ct).ConfigureAwait(false);
        var recreated = await Recovery.MissingDatabases.RecreateAsync(repo, config, AppTag, request, environment, ct).ConfigureAwait(false);
        var plan = await new RestorePlanner(config, environment).PlanAsync(repo, AppTag, request, ct).ConfigureAwait(false);
        if (recreated.Lines.Count > 0) plan = plan with { Warnings = [.. recreated.Lines, .. plan.Warnings], Databases = [.. plan.Databases.Select(d => recreated.CreatedDatabases.Contains(d.Name) ? d with { DestinationExists = false } : d)] };
        if (plan.IsEmpty) throw new CoffreException($"nothing to restore: backup {plan.Snapshot.Id.ToShortString()} holds nothing the selection names{(plan.Warnings.Count > 0 ? " (" + plan.Warnings[0] + ")" : "")}");
        return (repo, plan);
    }

    /// <summary>
    /// Carries out a plan from <see cref="PlanRestoreAsync"/> (see <see cref="ApplicationRestorer"/>) in one write
    /// session on <paramref name="repo"/> (shared lock): the safety snapshot is saved in that session, so a restore
    /// opens the repository, derives the key and takes the lock once.
    /// </summary>
    public async Task<ApplicationRestoreResult> RestoreBackupAsync(Repository.Repository repo, RestorePlan plan, RestoreRequest request, Action<string>? step, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(repo);
        await using var session = await repo.BeginWriteAsync(LockMode.Shared, clock, ct).ConfigureAwait(false);
        return await new ApplicationRestorer(Backup(), config, environment, clock).RunAsync(session, plan, request, step, ct).ConfigureAwait(false);
    }

    /// <summary>Plans and carries out a restore in one call (no confirmation: for programs that decided already).</summary>
    public async Task<ApplicationRestoreResult> RestoreBackupAsync(RestoreRequest request, CancellationToken ct)
    {
        var (repo, plan) = await PlanRestoreAsync(request, ct).ConfigureAwait(false);
        return await RestoreBackupAsync(repo, plan, request, null, ct).ConfigureAwait(false);
    }

    /// <summary>Restores one database (all of them when <paramref name="database"/> is null), in place or into <paramref name="toDatabase"/>.</summary>
    public Task<ApplicationRestoreResult> RestoreDatabaseAsync(string snapshot, string? database, string? toDatabase, CancellationToken ct) =>
        RestoreBackupAsync(new RestoreRequest { Snapshot = snapshot, Parts = RestoreParts.Databases, Database = database, ToDatabase = toDatabase }, ct);

    /// <summary>Restores the media folders, or only <paramref name="include"/> (e.g. <c>media/uploads/2024</c>), in place or under <paramref name="target"/>.</summary>
    public Task<ApplicationRestoreResult> RestoreMediaAsync(string snapshot, string? include, string? target, CancellationToken ct) =>
        RestoreBackupAsync(new RestoreRequest { Snapshot = snapshot, Parts = RestoreParts.Media, Includes = include is null ? [] : [include], Target = target }, ct);

    /// <summary>
    /// Checks that a backup can be restored: every file of the snapshot is read and each blob verified (MAC, length,
    /// SHA-256), and each dump's size matches metadata.json. Writes nothing.
    /// </summary>
    public async Task<BackupVerification> VerifyAsync(string snapshot, string? destination, CancellationToken ct)
    {
        RepositoryReader repo = await OpenRepositoryAsync(destination, ct).ConfigureAwait(false);
        var entry = await SnapshotResolver.ResolveAsync(repo, AppTag, snapshot, ct).ConfigureAwait(false);
        var problems = new List<string>();
        ApplicationMetadata? meta = null;
        try { meta = await ReadMetadataAsync(repo, entry.Snapshot.Tree, ct).ConfigureAwait(false); }
        catch (Exception e) when (e is InvalidDataException or System.Text.Json.JsonException) { problems.Add($"metadata.json cannot be read: {e.Message}"); }
        if (meta is null && problems.Count == 0) problems.Add("metadata.json is missing");

        long files = 0, bytes = 0;
        var buffer = new byte[1 << 20];
        await foreach (var (path, node) in TreeWalker.WalkAsync(repo, entry.Snapshot.Tree, ct).ConfigureAwait(false))
        {
            if (node.Type != NodeType.File) continue;
            try
            {
                await using var content = new NodeContentStream(repo, node, path);
                long n = 0;
                int read;
                while ((read = await content.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0) n += read;
                files++;
                bytes += n;
            }
            catch (Exception e) when (e is InvalidDataException or System.Security.Cryptography.CryptographicException)
            {
                problems.Add($"{path}: {e.Message}");
            }
        }
        foreach (var d in meta?.Databases ?? [])
        {
            var node = await TreePaths.FindAsync(repo, entry.Snapshot.Tree, d.File, ct).ConfigureAwait(false);
            if (node is null) problems.Add($"{d.File} is missing");
            else if ((long)node.Size != d.Size) problems.Add($"{d.File} has {node.Size} bytes, metadata.json says {d.Size}");
        }
        return new BackupVerification(entry.Id, meta, files, bytes, problems);
    }
}

/// <summary>What <see cref="BackupManager.VerifyAsync"/> read, and what was wrong (empty when the backup is sound).</summary>
public sealed record BackupVerification(BlobId SnapshotId, ApplicationMetadata? Metadata, long Files, long Bytes, IReadOnlyList<string> Problems)
{
    public bool Ok => Problems.Count == 0;
}
