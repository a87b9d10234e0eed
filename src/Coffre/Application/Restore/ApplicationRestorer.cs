using Coffre.Application;
using Coffre.Archiver;
using Coffre.Configuration;
using Coffre.Model;
using Coffre.Repository;
using Coffre.Restore;
using Coffre.Jobs;

namespace Coffre.Application.Restore;

/// <summary>
/// Carries out a confirmed <see cref="RestorePlan"/>, in this order: the preRestore hook (stop the application);
/// a safety snapshot (tag <c>pre-restore</c>) of every database and media folder about to be overwritten; the
/// databases; the media folders (made equal to the backup, the folder's excludes left alone); verification
/// (per-table row counts against metadata.json, every restored file hashed against the snapshot's blobs); the
/// postRestore hook. Once anything may have been overwritten, a failure names the safety snapshot and the command
/// that rolls back, and the postRestore hook is not run: the application stays stopped rather than serve a
/// half-restored state. It runs in the write session it is handed (shared lock): the safety snapshot is made in
/// that same session by <paramref name="backup"/>, with no second open, key derivation or lock. A restore that
/// takes no safety snapshot (a drill's, into scratch places) needs only a reader.
/// </summary>
public sealed class ApplicationRestorer(ApplicationBackup? backup, CoffreConfig config, IDictionary<string, string?>? environment, TimeProvider clock)
{
    /// <summary>Carries out <paramref name="plan"/> in <paramref name="session"/>; the safety snapshot is saved there.</summary>
    public Task<ApplicationRestoreResult> RunAsync(RepositoryWriteSession session, RestorePlan plan, RestoreRequest request, Action<string>? step, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        return RunAsync(session.Reader, session, plan, request, step, ct);
    }

    /// <summary>Carries out a plan that overwrites nothing in place, or asks for no safety snapshot: reading only.</summary>
    public Task<ApplicationRestoreResult> RunAsync(RepositoryReader repo, RestorePlan plan, RestoreRequest request, Action<string>? step, CancellationToken ct) =>
        RunAsync(repo, null, plan, request, step, ct);

    private async Task<ApplicationRestoreResult> RunAsync(RepositoryReader repo, RepositoryWriteSession? session, RestorePlan plan, RestoreRequest request, Action<string>? step, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(request);
        if (plan.OverwritesInPlace && request.SafetySnapshot && (session is null || backup is null))
            throw new InvalidOperationException("a restore in place with a safety snapshot runs in a write session, with the backup that takes the snapshot");
        step ??= static _ => { };
        var started = clock.GetTimestamp();
        var inPlace = plan.OverwritesInPlace;
        var warnings = new List<string>(plan.Warnings);
        var stopped = false;
        if (inPlace && config.Hooks.PreRestore is { Length: > 0 } pre)
        {
            step("running the preRestore hook");
            await HookRunner.RunAsync("preRestore", pre, ct).ConfigureAwait(false);
            stopped = true;
        }

        BlobId? safety = null;
        if (inPlace && request.SafetySnapshot)
        {
            try { safety = await TakeSafetySnapshotAsync(session!, plan, step, ct).ConfigureAwait(false); }
            catch (Exception e) when (e is not OperationCanceledException || ct.IsCancellationRequested)
            {
                var code = e is CoffreException ce ? ce.ExitCode : ct.IsCancellationRequested ? ExitCodes.Interrupted : ExitCodes.Fatal;
                throw new RestoreFailedException($"the safety snapshot failed, so nothing was overwritten: {Reason(e, ct)}{StoppedNote(stopped)}", code, e);
            }
        }

        var databases = new List<DatabaseVerification>();
        var media = new List<MediaVerification>();
        try
        {
            foreach (var db in plan.Databases)
            {
                step($"restoring database {db.Name} into {db.Destination}");
                databases.Add(await RestoreDatabaseAsync(repo, plan, db, warnings, ct).ConfigureAwait(false));
            }
            foreach (var m in plan.Media)
            {
                step($"restoring media {m.Name} into {m.Destination}");
                media.Add(await RestoreMediaAsync(repo, plan, m, warnings, ct).ConfigureAwait(false));
            }
        }
        catch (Exception e)
        {
            var code = ct.IsCancellationRequested ? ExitCodes.Interrupted : e is CoffreException ce ? ce.ExitCode : ExitCodes.Fatal;
            throw new RestoreFailedException($"the restore {(ct.IsCancellationRequested ? "was interrupted" : "failed")} halfway: {Reason(e, ct)}{Rollback(safety, inPlace)}{StoppedNote(stopped)}", code, e);
        }

        var result = new ApplicationRestoreResult(plan, safety, databases, media, warnings, clock.GetElapsedTime(started));
        if (!result.Verified)
        {
            var first = databases.SelectMany(d => d.Mismatches.Select(x => $"database {d.Name}: {x}"))
                .Concat(media.SelectMany(m => m.Check.Differences.Select(x => $"media {m.Name}: {x}"))).FirstOrDefault() ?? "verification failed";
            throw new RestoreVerificationException(result, $"the restored data does not match the backup ({first}){Rollback(safety, inPlace)}{StoppedNote(stopped)}");
        }
        if (inPlace && config.Hooks.PostRestore is { Length: > 0 } post)
        {
            step("running the postRestore hook");
            await HookRunner.RunAsync("postRestore", post, ct).ConfigureAwait(false);
        }
        return result;
    }

    private static string Reason(Exception e, CancellationToken ct) =>
        ct.IsCancellationRequested && e is OperationCanceledException ? "stopped by a signal" : e.Message;

    private static string Rollback(BlobId? safety, bool inPlace) => safety is { } id
        ? $". What was there before is in safety snapshot {id.ToShortString()}: roll back with 'coffre restore {id.ToShortString()} --force'"
        : inPlace ? ". No safety snapshot was taken" : "";

    private static string StoppedNote(bool stopped) => stopped ? ". The preRestore hook ran and the postRestore hook was not run: start the application yourself once the data is right" : "";

    /// <summary>Backs up what the restore will overwrite, as it is now. Null when nothing there exists yet.</summary>
    private async Task<BlobId?> TakeSafetySnapshotAsync(RepositoryWriteSession session, RestorePlan plan, Action<string> step, CancellationToken ct)
    {
        var scope = new BackupScope
        {
            Databases = plan.Databases.Where(d => d.Kind == DatabaseRestoreKind.InPlace && d.DestinationExists).Select(d => d.Name).ToList(),
            Media = plan.Media.Where(m => m.InPlace && Directory.Exists(m.Destination)).Select(m => m.Name).ToList(),
            ExtraTags = [ApplicationLayout.PreRestoreTag],
            Purpose = $"pre-restore of {plan.Snapshot.Id.ToShortString()}",
        };
        if (scope.Databases.Count == 0 && scope.Media.Count == 0) return null;
        step("taking a safety snapshot of what will be overwritten");
        var result = await backup!.RunAsync(session, scope, new BackupProgress(), ct).ConfigureAwait(false);
        if (!result.Backup.Complete)
            throw new CoffreException($"{result.Backup.Errors.Count} file(s) could not be read (first: {result.Backup.Errors[0].Path}: {result.Backup.Errors[0].Message}), so they could not be kept; make them readable and run the restore again");
        step($"safety snapshot {result.Backup.SnapshotId.ToShortString()} saved");
        return result.Backup.SnapshotId;
    }

    private async Task<DatabaseVerification> RestoreDatabaseAsync(RepositoryReader repo, RestorePlan plan, DatabaseRestorePlan db, List<string> warnings, CancellationToken ct)
    {
        if (db.Kind == DatabaseRestoreKind.DumpFile)
        {
            var folder = Path.GetDirectoryName(db.Destination)!;
            var files = new[] { db.DumpPath }.Concat(db.ExtraFiles.Select(f => "/database/" + f)).ToList();
            var written = await new Restorer(repo).RestoreAsync(plan.Snapshot.Snapshot, new RestoreOptions
            {
                Target = folder, Within = Path.GetDirectoryName(folder), From = "/database", Includes = files, Overwrite = true,
            }, new RestoreProgress(), ct).ConfigureAwait(false);
            warnings.AddRange(written.Warnings);
            if (written.Failures.Count > 0)
                throw new CoffreException($"the dump of database {db.Name} cannot be restored: {written.Failures[0].Path}: {written.Failures[0].Reason}");
            var size = new FileInfo(db.Destination).Length;
            IReadOnlyList<string> mismatch = size == (long)db.Dump.Size ? [] : [$"{db.Destination} has {size} bytes instead of {db.Dump.Size}"];
            return new DatabaseVerification(db.Name, db.Destination, 0, 0, mismatch, "dump written as a file; restore it with the engine's tools");
        }

        var source = SourceFactory.Create(db.Section, null, environment);
        await using (var dump = new NodeContentStream(repo, db.Dump, db.DumpPath))
            await source.RestoreAsync(dump, null, ct).ConfigureAwait(false);
        return await VerifyDatabaseAsync(source, db, warnings, ct).ConfigureAwait(false);
    }

    private static async Task<DatabaseVerification> VerifyDatabaseAsync(Sources.IDatabaseSource source, DatabaseRestorePlan db, List<string> warnings, CancellationToken ct)
    {
        if (db.Metadata is not { Tables.Count: > 0 } meta)
            return new DatabaseVerification(db.Name, db.Destination, 0, 0, [], "the backup records no row counts: not compared");
        var now = await source.DescribeAsync(ct).ConfigureAwait(false);
        var mismatches = new List<string>();
        foreach (var (table, rows) in meta.Tables)
        {
            if (!now.RowCounts.TryGetValue(table, out var restored)) mismatches.Add($"table {table} is missing");
            else if (restored != rows) mismatches.Add($"table {table} has {restored} rows, the backup {rows}");
        }
        var extra = now.RowCounts.Keys.Where(t => !meta.Tables.ContainsKey(t)).ToList();
        if (extra.Count > 0)
            warnings.Add($"database {db.Name}: {extra.Count} table(s) not in the backup were left as they are ({string.Join(", ", extra.Take(5))})");
        return new DatabaseVerification(db.Name, db.Destination, meta.Tables.Count, meta.Tables.Values.Sum(), mismatches, null);
    }

    private static async Task<MediaVerification> RestoreMediaAsync(RepositoryReader repo, RestorePlan plan, MediaRestorePlan m, List<string> warnings, CancellationToken ct)
    {
        var excludes = ExcludeMatcher.Within(m.Destination, m.Excludes);
        var written = await new Restorer(repo).RestoreAsync(plan.Snapshot.Snapshot, new RestoreOptions
        {
            Target = m.Destination,
            Within = m.InPlace ? null : Path.GetDirectoryName(Path.GetDirectoryName(m.Destination)), // --target DIR: DIR/media/NAME
            From = m.SnapshotPath,
            Includes = m.Includes,
            Overwrite = m.InPlace,
            RemoveExtra = m.InPlace,
            KeepUnchanged = m.InPlace,
            Keep = excludes.IsEmpty ? null : excludes.IsExcluded,
        }, new RestoreProgress(), ct).ConfigureAwait(false);
        warnings.AddRange(written.Warnings);
        warnings.AddRange(written.Failures.Select(f => $"media {m.Name}: {f.Path} not restored: {f.Reason}"));
        var tree = (await TreePaths.FindAsync(repo, plan.Snapshot.Snapshot.Tree, m.SnapshotPath, ct).ConfigureAwait(false))!.Subtree!.Value;
        var check = await MediaComparer.CompareAsync(repo, tree, m.SnapshotPath, m.Destination, new IncludeFilter(m.Includes), m.Excludes, ct, checkContent: true).ConfigureAwait(false);
        return new MediaVerification(m.Name, m.Destination, written.Files, written.Bytes, written.Removed, check);
    }
}

/// <summary>The restore ran to its end but what is now in place differs from the backup.</summary>
public sealed class RestoreVerificationException : CoffreException
{
    public RestoreVerificationException(ApplicationRestoreResult result, string message) : base(message) => Result = result;
    public RestoreVerificationException() : base("the restored data does not match the backup") { }
    public RestoreVerificationException(string message) : base(message) { }
    public RestoreVerificationException(string message, Exception inner) : base(message, inner) { }

    public ApplicationRestoreResult? Result { get; }
}
