using System.Text;
using Coffre.Configuration;
using Coffre.Application.Restore;
using Coffre.Model;
using Coffre.Repository;
using Coffre.Restore;
using Coffre.Sources;
using Coffre.Application;
using Coffre.Jobs;

namespace Coffre.Application.Drill;

/// <summary>
/// A restore drill: proves that a backup restores, without touching the application. Each database is restored
/// into a scratch place — PostgreSQL and MySQL into a new database <c>coffre_drill_…</c> on the configured server,
/// SQLite into a temp file — its per-table row counts compared with metadata.json, then the scratch is dropped.
/// A random sample of the media files (all with <see cref="DrillRequest.Full"/>) is restored into a temp folder
/// and every file hashed blob by blob against the snapshot; the folder is deleted. Every blob read is verified
/// (MAC, length, SHA-256) on the way. A failure is a finding, not an exception: it lands in the result.
/// </summary>
public sealed class DrillRunner(string appTag, CoffreConfig config, IDictionary<string, string?>? environment, TimeProvider clock)
{
    public async Task<DrillResult> RunAsync(Repository.RepositoryReader repo, DrillRequest request, Action<string>? step, CancellationToken ct)
    {
        step ??= static _ => { };
        var started = clock.GetTimestamp();
        var random = request.Seed is { } seed ? new Random(seed) : System.Random.Shared;
        var entry = await PickAsync(repo, request, random, ct).ConfigureAwait(false);
        var scratch = Directory.CreateTempSubdirectory("coffre-drill-scratch-");
        try
        {
            var metadata = await ApplicationMetadata.ReadAsync(repo, entry.Snapshot.Tree, ct).ConfigureAwait(false);
            var databases = new List<DatabaseDrill>();
            foreach (var d in metadata?.Databases ?? [])
            {
                step($"restoring database {d.Name} into a scratch database");
                databases.Add(await DrillDatabaseAsync(repo, entry, d, scratch.FullName, step, ct).ConfigureAwait(false));
            }
            var media = new List<MediaDrill>();
            var mediaDir = await TreePaths.FindAsync(repo, entry.Snapshot.Tree, "/media", ct).ConfigureAwait(false);
            if (mediaDir?.Subtree is { } sub)
                foreach (var folder in (await repo.LoadTreeAsync(sub, ct).ConfigureAwait(false)).Where(n => n.Type == NodeType.Dir))
                {
                    var name = Encoding.UTF8.GetString(folder.Name);
                    step($"restoring {(request.Full ? "every" : $"a {request.SamplePercent:0.#}% sample of the")} media files of {name}");
                    media.Add(await DrillMediaAsync(repo, entry, name, folder, Path.Combine(scratch.FullName, "media", name), request, random, ct).ConfigureAwait(false));
                }
            if (metadata is null) databases.Add(new DatabaseDrill("(metadata.json)", "", "", 0, 0, false, "the backup has no readable metadata.json"));
            return new DrillResult(entry.Id, BackupStamp.Format(entry.Snapshot.Time.ToDateTimeOffset()), databases, media, clock.GetElapsedTime(started));
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    private async Task<SnapshotEntry> PickAsync(Repository.RepositoryReader repo, DrillRequest request, Random random, CancellationToken ct)
    {
        if (!request.Random) return await SnapshotResolver.ResolveAsync(repo, appTag, request.Snapshot, ct).ConfigureAwait(false);
        var backups = (await repo.LoadSnapshotsAsync(ct).ConfigureAwait(false))
            .Where(s => s.Snapshot.Tags?.Contains(appTag) == true && s.Snapshot.Tags.Contains(SnapshotResolver.PreRestoreTag) != true).ToList();
        return backups.Count > 0
            ? backups[random.Next(backups.Count)]
            : throw new CoffreException($"the repository holds no backup of {appTag[Application.ApplicationLayout.AppTagPrefix.Length..]} yet: run 'coffre backup' first");
    }

    private async Task<DatabaseDrill> DrillDatabaseAsync(Repository.RepositoryReader repo, SnapshotEntry entry, DatabaseMetadata d, string scratchFolder, Action<string> step, CancellationToken ct)
    {
        if (DatabaseEngines.Find(d.Engine) is not { } engine)
            return new DatabaseDrill(d.Name, d.Engine, "", d.Tables.Count, d.Tables.Values.Sum(), d.Tables.Count > 0, $"the backup holds a {d.Engine} dump: not an engine Coffre restores (use {DatabaseEngines.Choices})");
        var target = engine.ScratchTarget(d.Name, scratchFolder);
        var request = new RestoreRequest
        {
            Snapshot = entry.Id.ToString(), Parts = RestoreParts.Databases, Database = d.Name, ToDatabase = target, SafetySnapshot = false,
        };
        Sources.IDatabaseSource? created = null;
        try
        {
            var plan = await new RestorePlanner(config, environment).PlanAsync(repo, appTag, request, ct).ConfigureAwait(false);
            created = SourceFactory.Create(plan.Databases[0].Section, null, environment);
            var result = await new ApplicationRestorer(null, config, environment, clock).RunAsync(repo, plan, request, step, ct).ConfigureAwait(false);
            var v = result.Databases[0];
            return new DatabaseDrill(d.Name, d.Engine, target, v.TablesChecked, v.Rows, d.Tables.Count > 0, null);
        }
        catch (Exception e) when (e is CoffreException or InvalidDataException or System.Security.Cryptography.CryptographicException or IOException)
        {
            return new DatabaseDrill(d.Name, d.Engine, target, d.Tables.Count, d.Tables.Values.Sum(), d.Tables.Count > 0, e.Message);
        }
        finally
        {
            if (created is not null)
            {
                try { await created.DropAsync(CancellationToken.None).ConfigureAwait(false); }
                catch (CoffreException e) { step($"warning: the scratch database {target} could not be dropped: {e.Message}"); }
            }
        }
    }

    private static async Task<MediaDrill> DrillMediaAsync(Repository.RepositoryReader repo, SnapshotEntry entry, string name, Node folder, string target,
        DrillRequest request, Random random, CancellationToken ct)
    {
        var root = "/media/" + name;
        var files = new List<string>();
        await foreach (var (path, node) in TreeWalker.WalkAsync(repo, folder.Subtree!.Value, ct).ConfigureAwait(false))
            if (node.Type == NodeType.File) files.Add(root + path);
        var sample = request.Full ? [] : Sample(files, request.SamplePercent, random);
        if (!request.Full && sample.Count == 0) return new MediaDrill(name, files.Count, 0, 0, null);
        try
        {
            var written = await new Restorer(repo).RestoreAsync(entry.Snapshot, new RestoreOptions { Target = target, From = root, Includes = sample },
                new RestoreProgress(), ct).ConfigureAwait(false);
            var check = await MediaComparer.CompareAsync(repo, folder.Subtree!.Value, root, target, new IncludeFilter(sample), [], ct, checkContent: true).ConfigureAwait(false);
            var problem = written.Failures.Count > 0 ? $"{written.Failures.Count} file(s) cannot be restored (first: {written.Failures[0].Path}: {written.Failures[0].Reason})"
                : check.Matches ? null : $"{check.Overwritten + check.Created + check.Removed} file(s) differ from the backup (first: {check.Differences.FirstOrDefault()})";
            return new MediaDrill(name, files.Count, written.Files, written.Bytes, problem);
        }
        catch (Exception e) when (e is CoffreException or InvalidDataException or System.Security.Cryptography.CryptographicException or IOException)
        {
            return new MediaDrill(name, files.Count, 0, 0, e.Message);
        }
    }

    private static List<string> Sample(List<string> files, double percent, Random random)
    {
        if (files.Count == 0) return [];
        var count = Math.Clamp((int)Math.Ceiling(files.Count * percent / 100), 1, files.Count);
        return files.OrderBy(_ => random.Next()).Take(count).ToList();
    }
}
