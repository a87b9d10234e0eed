using Coffre.Model;
using Coffre.Model.Json;
using Coffre.Repository;
using Coffre.Storage;

namespace Coffre.Maintenance.Repair;

/// <summary>What <c>repair snapshots</c> did (or, in a dry run, would do).</summary>
public sealed record SnapshotRepairResult(int Modified, int Removed, int Unreadable);

/// <summary>
/// restic's <c>repair snapshots</c>: each snapshot is rewritten without what is lost. A file whose content is
/// missing or proven damaged keeps its usable blobs (size corrected); a folder whose tree cannot be read becomes
/// empty; irregular nodes go; a snapshot whose root tree cannot be read is removed. A changed snapshot is saved
/// anew with <c>original</c> set to the old one and, unless <c>forget</c>, the tag <c>repaired</c>; with
/// <c>forget</c> the old snapshot is removed. Needs a correct index (run <c>repair index</c> first). The caller
/// holds an exclusive lock and has loaded the index.
/// </summary>
public sealed class SnapshotRepair(Repository.Repository repo, Action<string> say)
{
    public const string Tag = "repaired";

    // Tree ID -> its repaired ID (null: unreadable root), so a tree shared by snapshots is rewritten once.
    private readonly Dictionary<BlobId, BlobId?> _rewritten = [];
    private BlobId? _emptyTree;

    public async Task<SnapshotRepairResult> RunAsync(IReadOnlyList<string> ids, bool dryRun, bool forget, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var names = new List<string>();
        await foreach (var e in repo.Backend.ListAsync(FileType.Snapshot, ct).ConfigureAwait(false)) names.Add(e.Name);
        var chosen = ids.Count == 0 ? names : ids.Select(id => Resolve(names, id)).Distinct().ToList();
        int modified = 0, removed = 0, unreadable = 0;
        await using var writer = new RepositoryWriter(repo);
        var saves = new List<(SnapshotEntry Old, Snapshot New)>();
        foreach (var name in chosen)
        {
            SnapshotEntry s;
            try { s = await repo.LoadSnapshotAsync(name, ct).ConfigureAwait(false); }
            catch (Exception ex) when (ex is InvalidDataException or System.Text.Json.JsonException or FormatException or StorageNotFoundException)
            {
                unreadable++;
                if (forget && ids.Count > 0)
                {
                    if (dryRun) say($"would remove unreadable snapshot {name[..8]}");
                    else
                    {
                        await RemoveSnapshotAsync(name, ct).ConfigureAwait(false);
                        say($"removed unreadable snapshot {name[..8]}");
                    }
                    removed++;
                }
                else say($"snapshot file {name[..8]} is unreadable, use 'coffre repair snapshots --forget {name}' to remove it: {ex.Message}");
                continue;
            }
            say($"\nsnapshot {s.Id.ToShortString()} of {string.Join(", ", s.Snapshot.Paths)} at {s.Snapshot.Time}");
            var tree = await RewriteAsync(writer, s.Snapshot.Tree, "/", dryRun, ct).ConfigureAwait(false);
            if (tree is null)
            {
                if (dryRun) say("would delete empty snapshot");
                else
                {
                    await RemoveSnapshotAsync(name, ct).ConfigureAwait(false);
                    say($"removed empty snapshot {s.Id.ToShortString()}");
                }
                removed++;
                continue;
            }
            if (tree == s.Snapshot.Tree) continue;
            modified++;
            if (dryRun)
            {
                say("would save new snapshot");
                if (forget) say("would remove old snapshot");
                continue;
            }
            var repaired = SnapshotJson.Parse(SnapshotJson.Serialize(s.Snapshot));
            repaired.Original = s.Id;
            repaired.Tree = tree.Value;
            if (!forget && !(repaired.Tags ?? []).Contains(Tag)) repaired.Tags = [.. repaired.Tags ?? [], Tag];
            saves.Add((s, repaired));
        }
        if (!dryRun)
        {
            // The new trees are stored and indexed before any snapshot refers to them.
            await writer.FlushAsync(ct).ConfigureAwait(false);
            foreach (var (old, repaired) in saves)
            {
                var id = await repo.SaveJsonAsync(FileType.Snapshot, SnapshotJson.Serialize(repaired), ct).ConfigureAwait(false);
                say($"snapshot {old.Id.ToShortString()}: saved new snapshot {id.ToShortString()}");
                if (!forget) continue;
                await RemoveSnapshotAsync(old.Id.ToString(), ct).ConfigureAwait(false);
                say($"snapshot {old.Id.ToShortString()}: removed old snapshot");
            }
        }
        return new SnapshotRepairResult(modified, removed, unreadable);
    }

    private static string Resolve(List<string> names, string id)
    {
        var matches = names.Where(n => n.StartsWith(id, StringComparison.Ordinal)).ToList();
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new CoffreException($"no snapshot with ID {id}: see 'coffre snapshots'"),
            _ => throw new CoffreException($"snapshot ID prefix {id} is ambiguous: give more characters"),
        };
    }

    private async Task RemoveSnapshotAsync(string name, CancellationToken ct)
    {
        try { await repo.Backend.RemoveAsync(new StorageHandle(FileType.Snapshot, name), ct).ConfigureAwait(false); }
        catch (StorageNotFoundException) { }
        repo.Damage.ForgetSnapshots(new HashSet<string> { name });
    }

    /// <summary>The repaired tree's ID (the same ID when nothing was lost); null when the root cannot be read.</summary>
    private async Task<BlobId?> RewriteAsync(RepositoryWriter writer, BlobId tree, string path, bool dryRun, CancellationToken ct)
    {
        if (_rewritten.TryGetValue(tree, out var done)) return done;
        List<Node> nodes;
        try { nodes = await repo.LoadTreeAsync(tree, ct).ConfigureAwait(false); }
        catch (Exception ex) when (ex is InvalidDataException or System.Text.Json.JsonException or FormatException or StorageNotFoundException or CoffreException)
        {
            if (path == "/")
            {
                say($"  dir \"/\": not readable ({ex.Message})");
                return _rewritten[tree] = null;
            }
            say($"  dir \"{path}\": replaced with empty directory ({ex.Message})");
            return _rewritten[tree] = await EmptyTreeAsync(writer, dryRun, ct).ConfigureAwait(false);
        }
        var changed = false;
        var kept = new List<Node>(nodes.Count);
        foreach (var n in nodes)
        {
            var p = path == "/" ? "/" + n.DisplayName : path + "/" + n.DisplayName;
            if (n.Type == NodeType.Irregular)
            {
                say($"  file \"{p}\": removed node with invalid type \"irregular\"");
                changed = true;
                continue;
            }
            if (n.Type == NodeType.File) changed |= RepairContent(n, p);
            else if (n is { Type: NodeType.Dir, Subtree: { } sub })
            {
                var repaired = await RewriteAsync(writer, sub, p, dryRun, ct).ConfigureAwait(false) ?? await EmptyTreeAsync(writer, dryRun, ct).ConfigureAwait(false);
                if (repaired != sub)
                {
                    n.Subtree = repaired;
                    changed = true;
                }
            }
            kept.Add(n);
        }
        if (!changed) return _rewritten[tree] = tree;
        return _rewritten[tree] = await SaveTreeAsync(writer, TreeJson.Serialize(kept), dryRun, ct).ConfigureAwait(false);
    }

    /// <summary>Keeps the usable blobs of a file and its true size; true when that changed the node.</summary>
    private bool RepairContent(Node n, string path)
    {
        var content = n.Content ?? [];
        var usable = new List<BlobId>(content.Count);
        ulong size = 0;
        foreach (var id in content)
            if (repo.Index.TryGet(id, out var loc))
            {
                usable.Add(id);
                size += loc.PlainLength;
            }
        var lost = usable.Count != content.Count || n.Content is null;
        if (lost) say($"  file \"{path}\": removed missing content");
        else if (size != n.Size) say($"  file \"{path}\": fixed incorrect size");
        if (!lost && size == n.Size) return false;
        n.Content = usable;
        n.Size = size;
        return true;
    }

    private async Task<BlobId> EmptyTreeAsync(RepositoryWriter writer, bool dryRun, CancellationToken ct) =>
        _emptyTree ??= await SaveTreeAsync(writer, TreeJson.Serialize([]), dryRun, ct).ConfigureAwait(false);

    private static async Task<BlobId> SaveTreeAsync(RepositoryWriter writer, byte[] json, bool dryRun, CancellationToken ct)
    {
        var id = BlobId.Hash(json);
        if (!dryRun) await writer.SaveBlobAsync(BlobType.Tree, id, json, compress: true, ct).ConfigureAwait(false);
        return id;
    }
}
