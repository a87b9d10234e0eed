using System.Security.Cryptography;
using Coffre.Model;
using Coffre.Model.Json;
using Coffre.Repository.Keys;
using Coffre.Repository.Pack;
using Coffre.Storage;

namespace Coffre.Maintenance;

/// <summary>
/// Verifies a repository as restic's checker does (format doc §13), and carries on past every problem: index files
/// load, every indexed pack exists with the size the index implies; with read-data, every pack hashes to its
/// name, its header matches the index and every blob verifies; then every snapshot's trees load and reference
/// only indexed, undamaged blobs. Each problem is reported once; each damaged snapshot is named with the paths
/// that are lost. Damage proven here, and damage other commands proved on this machine (the damage ledger), is
/// recorded so that the next backup stores that data again (docs/repair.md).
/// </summary>
public sealed class Checker(Repository.RepositoryReader repo)
{
    /// <summary>Paths listed per damaged snapshot (and per damaged pack); the count says how many more there are.</summary>
    public const int MaxPathsListed = 200;

    private readonly CheckReport _report = new();
    // The index as the index files describe it: pack -> its blobs (a pack should appear once).
    private readonly Dictionary<BlobId, List<IndexBlob>> _packs = [];
    private readonly Dictionary<BlobId, PackDamage> _damaged = [];
    private readonly TreeGraph _trees = new();

    public async Task<CheckReport> CheckAsync(CheckOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        repo.Activity = "check";
        // Snapshots are listed before the index is read: a backup running beside this check (both hold shared
        // locks) stores its index before its snapshot, so every snapshot listed here has its blobs in the index
        // read next; a snapshot saved later is left for the next check.
        var snapshotNames = new List<string>();
        await foreach (var e in repo.Backend.ListAsync(FileType.Snapshot, ct).ConfigureAwait(false)) snapshotNames.Add(e.Name);
        var indexComplete = await LoadIndexFilesAsync(ct).ConfigureAwait(false);
        var stored = new Dictionary<BlobId, long>();
        await foreach (var e in repo.Backend.ListAsync(FileType.Pack, ct).ConfigureAwait(false))
            if (BlobId.TryParse(e.Name, out var id)) stored[id] = e.Size;
        _report.Packs = stored.Count;

        foreach (var (pack, blobs) in _packs)
        {
            if (!stored.TryGetValue(pack, out var size)) _damaged[pack] = new PackDamage("does not exist", null);
            else if (size != PackHeader.PackSize(blobs))
                _damaged[pack] = new PackDamage($"has {size} bytes, the index expects {PackHeader.PackSize(blobs)} (truncated or damaged)", BlobsBeyond(blobs, size));
        }
        foreach (var pack in stored.Keys)
            if (!_packs.ContainsKey(pack)) _report.Hints.Add($"pack {pack.ToShortString()} is not referenced by any index (unused data; prune removes it)");

        var read = new HashSet<BlobId>();
        if (options.ReadData || options.ReadDataSubsetPercent is not null)
            await ReadPacksAsync(options, read, ct).ConfigureAwait(false);
        ApplyLedger(read, indexComplete);
        var proofs = new List<(BlobId, BlobId?, string)>();
        foreach (var (pack, damage) in _damaged)
        {
            var reason = $"pack {pack.ToShortString()} {damage.Reason}";
            if (damage.Blobs is null)
            {
                repo.Index.MarkBad(pack, null);
                if (damage.FoundBy is null) proofs.Add((pack, null, reason));
            }
            else foreach (var b in damage.Blobs)
            {
                repo.Index.MarkBad(pack, b);
                if (damage.FoundBy is null) proofs.Add((pack, b, reason));
            }
        }
        repo.Damage.Record(proofs, "check");

        await CheckKeyFilesAsync(ct).ConfigureAwait(false);
        var snapshots = await LoadSnapshotsAsync(snapshotNames, ct).ConfigureAwait(false);
        await LoadTreesAsync(snapshots, ct).ConfigureAwait(false);
        ReportDamage(snapshots);
        return _report;
    }

    /// <summary>Loads every index file; false when one could not be read (the index is then incomplete).</summary>
    private async Task<bool> LoadIndexFilesAsync(CancellationToken ct)
    {
        var complete = true;
        await foreach (var e in repo.Backend.ListAsync(FileType.Index, ct).ConfigureAwait(false))
        {
            List<IndexPack> filePacks;
            try { filePacks = IndexJson.ParsePacks(await repo.LoadJsonAsync(FileType.Index, e.Name, ct).ConfigureAwait(false)); }
            catch (Exception ex) when (ex is InvalidDataException or System.Text.Json.JsonException or StorageNotFoundException)
            {
                _report.Errors.Add($"index {e.Name[..Math.Min(8, e.Name.Length)]}: {ex.Message}");
                complete = false;
                continue;
            }
            foreach (var (pack, packBlobs) in filePacks)
            {
                var blobs = packBlobs.ToList();
                if (_packs.TryGetValue(pack, out var existing))
                {
                    if (!existing.OrderBy(b => b.Offset).SequenceEqual(blobs.OrderBy(b => b.Offset)))
                        _report.Errors.Add($"pack {pack.ToShortString()} is described differently by two index files");
                    else _report.Hints.Add($"pack {pack.ToShortString()} is described by more than one index file");
                    continue;
                }
                _packs[pack] = blobs;
                repo.Index.Add(pack, blobs);
                if (blobs.Any(b => b.Type == BlobType.Data) && blobs.Any(b => b.Type == BlobType.Tree))
                    _report.Hints.Add($"pack {pack.ToShortString()} mixes data and tree blobs");
            }
        }
        return complete;
    }

    /// <summary>The blobs a pack cut short to <paramref name="size"/> bytes no longer holds whole.</summary>
    private static HashSet<BlobId> BlobsBeyond(List<IndexBlob> blobs, long size) =>
        [.. blobs.Where(b => (long)b.Offset + b.Length > size - 4 - CryptoOverhead).Select(b => b.Id)];

    private const int CryptoOverhead = Repository.Crypto.CryptoKey.Overhead;

    private async Task ReadPacksAsync(CheckOptions options, HashSet<BlobId> read, CancellationToken ct)
    {
        var candidates = _packs.Keys.Where(p => !_damaged.ContainsKey(p)).ToList();
        if (options.ReadDataSubsetPercent is { } pct && pct < 100)
        {
            var n = (int)Math.Ceiling(candidates.Count * Math.Clamp(pct, 0, 100) / 100.0);
            candidates = candidates.OrderBy(_ => RandomNumberGenerator.GetInt32(int.MaxValue)).Take(n).ToList();
        }
        await Parallel.ForEachAsync(candidates, new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = ct }, async (pack, token) =>
        {
            var damage = await PackVerifier.VerifyAsync(repo, pack, _packs[pack], token).ConfigureAwait(false);
            lock (_damaged)
            {
                _report.PacksRead++;
                read.Add(pack);
                if (damage is not null) _damaged[pack] = damage;
            }
        }).ConfigureAwait(false);
    }

    /// <summary>
    /// Damage other commands proved on this machine: forgotten for packs this check read and found sound, or that
    /// no index names any more; reported (not re-read) for the others.
    /// </summary>
    private void ApplyLedger(HashSet<BlobId> read, bool indexComplete)
    {
        var ledger = repo.Damage;
        ledger.Forget(p => BlobId.TryParse(p.Pack, out var pack)
            && ((read.Contains(pack) && !_damaged.ContainsKey(pack)) || (indexComplete && !_packs.ContainsKey(pack))));
        foreach (var proof in ledger.Proofs)
        {
            if (!BlobId.TryParse(proof.Pack, out var pack) || !_packs.ContainsKey(pack)) continue;
            HashSet<BlobId>? blobs = null;
            if (proof.Blob is not null && BlobId.TryParse(proof.Blob, out var blob)) blobs = [blob];
            if (_damaged.TryGetValue(pack, out var known))
            {
                // This check's own finding wins; several earlier proofs about one pack add up.
                if (known.FoundBy is not null && known.Blobs is not null && blobs is not null) known.Blobs.UnionWith(blobs);
                else if (known.FoundBy is not null && blobs is null) _damaged[pack] = known with { Blobs = null };
            }
            else _damaged[pack] = new PackDamage($"was found damaged by {proof.FoundBy} on {proof.At:yyyy-MM-dd HH:mm} UTC ({proof.Reason}); 'check --read-data' reads it again", blobs, proof.FoundBy);
        }
    }

    /// <summary>
    /// Each key file is named by the SHA-256 of its bytes and must parse. Only its sealed master key is authenticated,
    /// so a damaged user name, or a damaged key that is not the one in use (the recovery key), would otherwise rot
    /// unnoticed until the day it is needed. restic's check does not look at key files.
    /// </summary>
    private async Task CheckKeyFilesAsync(CancellationToken ct)
    {
        await foreach (var e in repo.Backend.ListAsync(FileType.Key, ct).ConfigureAwait(false))
        {
            var shortId = e.Name[..Math.Min(8, e.Name.Length)];
            if (e.Size > MaxKeyFileSize)
            {
                _report.Errors.Add($"key file {shortId}: {e.Size} bytes, far more than a key file holds (damaged or planted): remove it with 'coffre key remove {shortId}'");
                continue;
            }
            byte[] bytes;
            try { bytes = await repo.Backend.LoadAsync(new StorageHandle(FileType.Key, e.Name), ct).ConfigureAwait(false); }
            catch (StorageNotFoundException) { continue; } // removed while listing
            if (!BlobId.TryParse(e.Name, out var id) || BlobId.Hash(bytes) != id)
            {
                _report.Errors.Add($"key file {shortId}: its contents do not match its name (damaged): add a new password or recovery code ('coffre key add'), then 'coffre key remove {shortId}'");
                continue;
            }
            try { _ = KeyFile.Parse(bytes); }
            catch (InvalidDataException ex)
            {
                _report.Errors.Add($"key file {shortId}: {ex.Message}: add a new password or recovery code ('coffre key add'), then 'coffre key remove {shortId}'");
            }
        }
    }

    /// <summary>A key file is a few hundred bytes.</summary>
    private const long MaxKeyFileSize = 64 * 1024;

    private async Task<List<Repository.SnapshotEntry>> LoadSnapshotsAsync(List<string> names, CancellationToken ct)
    {
        var list = new List<Repository.SnapshotEntry>();
        foreach (var name in names)
        {
            try { list.Add(await repo.LoadSnapshotAsync(name, ct).ConfigureAwait(false)); }
            catch (Exception ex) when (ex is InvalidDataException or System.Text.Json.JsonException or FormatException or StorageNotFoundException or CoffreException)
            {
                _report.Errors.Add($"snapshot {name[..Math.Min(8, name.Length)]}: {ex.Message}");
            }
        }
        _report.Snapshots = list.Count;
        return list;
    }

    /// <summary>Loads every tree once (shared trees are not read again) and notes what is wrong in each.</summary>
    private async Task LoadTreesAsync(List<Repository.SnapshotEntry> snapshots, CancellationToken ct)
    {
        // Each tree with its depth below a snapshot's root, so a forged endless nesting stops at the limit.
        var pending = new Stack<(BlobId Tree, int Depth)>();
        foreach (var s in snapshots) pending.Push((s.Snapshot.Tree, 0));
        while (pending.Count > 0)
        {
            var (tree, depth) = pending.Pop();
            if (_trees.IsKnown(tree)) continue;
            _report.Trees++;
            var info = _trees.Add(tree);
            if (depth > NodeName.MaxTreeDepth)
            {
                info.Problems.Add(new TreeProblem("", $"folders are nested deeper than {NodeName.MaxTreeDepth} levels (no Linux path can be that deep): the snapshot is damaged or forged", null));
                continue;
            }
            if (!repo.Index.IsIndexed(tree))
            {
                info.Problems.Add(new TreeProblem("", $"tree {tree.ToShortString()} is not in the index", null));
                continue;
            }
            if (!repo.Index.Has(tree))
            {
                var pack = DamagedPackOf(tree);
                info.Problems.Add(new TreeProblem("", $"tree {tree.ToShortString()} is damaged ({Describe(pack)})", pack));
                continue;
            }
            List<Node> nodes;
            try { nodes = await repo.LoadTreeAsync(tree, ct).ConfigureAwait(false); }
            catch (Exception ex) when (ex is InvalidDataException or System.Text.Json.JsonException or FormatException or StorageNotFoundException or CoffreException)
            {
                info.Problems.Add(new TreeProblem("", $"tree {tree.ToShortString()} cannot be read: {ex.Message}", DamagedPackOf(tree)));
                continue;
            }
            foreach (var n in nodes)
            {
                var name = n.DisplayName;
                if (n.Name.Length == 0) info.Problems.Add(new TreeProblem(name, "a node has an empty name", null));
                if (n.Type == NodeType.File)
                {
                    if (n.Content is null) info.Problems.Add(new TreeProblem(name, "file without content list", null));
                    else CheckContent(info, name, n.Content);
                }
                else if (n.Type == NodeType.Dir)
                {
                    if (n.Subtree is { } sub)
                    {
                        info.Children.Add((name, sub));
                        pending.Push((sub, depth + 1));
                    }
                    else info.Problems.Add(new TreeProblem(name, "folder has no subtree", null));
                }
            }
        }
    }

    private void CheckContent(TreeGraph.TreeInfo info, string name, List<BlobId> content)
    {
        foreach (var id in content)
        {
            if (id.IsZero || !repo.Index.IsIndexed(id))
            {
                info.Problems.Add(new TreeProblem(name, $"data blob {id.ToShortString()} is not in the index", null));
                return;
            }
            if (!repo.Index.Has(id))
            {
                var pack = DamagedPackOf(id);
                info.Problems.Add(new TreeProblem(name, $"data blob {id.ToShortString()} is damaged ({Describe(pack)})", pack));
                return;
            }
        }
    }

    private string Describe(BlobId? pack) => pack is { } p ? $"pack {p.ToShortString()} {_damaged[p].Reason}" : "every copy was found damaged";

    private BlobId? DamagedPackOf(BlobId blob)
    {
        foreach (var (pack, _) in repo.Index.Copies(blob))
            if (_damaged.ContainsKey(pack)) return pack;
        return null;
    }

    /// <summary>
    /// One error per damaged pack and per problem tree (with the first snapshot and path it was met at), then every
    /// damaged snapshot with the paths it loses.
    /// </summary>
    private void ReportDamage(List<Repository.SnapshotEntry> snapshots)
    {
        var affected = _damaged.Keys.ToDictionary(p => p, _ => new List<string>());
        var affectedCount = _damaged.Keys.ToDictionary(p => p, _ => 0);
        var reported = new HashSet<BlobId>();
        var treeErrors = new List<string>();
        foreach (var s in snapshots.OrderBy(s => s.Snapshot.Time.ToDateTimeOffset()))
        {
            if (!_trees.IsBad(s.Snapshot.Tree)) continue;
            var sid = s.Id.ToShortString();
            var paths = new List<string>();
            var count = 0;
            var stack = new Stack<(BlobId Tree, string Path)>();
            var onPath = new HashSet<BlobId>();
            stack.Push((s.Snapshot.Tree, ""));
            while (stack.Count > 0)
            {
                var (tree, path) = stack.Pop();
                var info = _trees.Get(tree);
                if (info is null) continue;
                var first = reported.Add(tree);
                foreach (var pr in info.Problems)
                {
                    var where = pr.Name.Length == 0 ? (path.Length == 0 ? "/" : path) : path + "/" + pr.Name;
                    if (first) treeErrors.Add($"snapshot {sid}: {where}: {pr.Message}");
                    count++;
                    if (paths.Count < MaxPathsListed) paths.Add($"{where}: {pr.Message}");
                    if (pr.Pack is { } pack)
                    {
                        affectedCount[pack]++;
                        if (affected[pack].Count < MaxPathsListed)
                            affected[pack].Add(pr.Name.Length == 0 ? $"snapshot {sid}: {where} (folder listing)" : $"snapshot {sid}: {where}");
                    }
                }
                foreach (var (name, sub) in info.Children)
                    if (_trees.IsBad(sub)) stack.Push((sub, path + "/" + name));
            }
            _report.DamagedSnapshots.Add(new DamagedSnapshot(s.Id, count, paths));
        }
        foreach (var (pack, damage) in _damaged)
        {
            _report.DamagedPacks.Add(new DamagedPack(pack, damage.Reason, affected[pack], affectedCount[pack]));
            var msg = $"pack {pack.ToShortString()}: {damage.Reason}";
            if (affectedCount[pack] > 0) msg += $"; affects {affectedCount[pack]} path(s), e.g. {affected[pack][0]}";
            _report.Errors.Add(msg);
        }
        _report.Errors.AddRange(treeErrors);
        repo.Damage.SetDamagedSnapshots(_report.DamagedSnapshots.Select(d => (d.Snapshot, d.PathCount)));
        foreach (var d in _report.DamagedSnapshots)
            _report.Errors.Add($"snapshot {d.Snapshot.ToShortString()} is damaged: {d.PathCount} path(s) cannot be restored, first {d.Paths[0]}");
    }

    private sealed record TreeProblem(string Name, string Message, BlobId? Pack);

    /// <summary>Every tree met, its folders and what is wrong in it; "bad" means a problem in it or below it.</summary>
    private sealed class TreeGraph
    {
        internal sealed class TreeInfo
        {
            public List<(string Name, BlobId Subtree)> Children { get; } = [];
            public List<TreeProblem> Problems { get; } = [];
            public bool? Bad { get; set; }
        }

        private readonly Dictionary<BlobId, TreeInfo> _trees = [];

        public bool IsKnown(BlobId tree) => _trees.ContainsKey(tree);
        public TreeInfo Add(BlobId tree) => _trees[tree] = new TreeInfo();
        public TreeInfo? Get(BlobId tree) => _trees.GetValueOrDefault(tree);

        /// <summary>Whether the tree or one below it has a problem (computed once per tree, without recursion).</summary>
        public bool IsBad(BlobId root)
        {
            if (!_trees.TryGetValue(root, out var top)) return false;
            if (top.Bad is { } known) return known;
            var stack = new Stack<(BlobId Tree, bool Expanded)>();
            stack.Push((root, false));
            while (stack.Count > 0)
            {
                var (tree, expanded) = stack.Pop();
                var info = _trees[tree];
                if (info.Bad is not null) continue;
                if (!expanded)
                {
                    stack.Push((tree, true));
                    foreach (var (_, sub) in info.Children)
                        if (_trees.TryGetValue(sub, out var c) && c.Bad is null) stack.Push((sub, false));
                    continue;
                }
                // A cycle cannot occur (a tree's ID is the hash of its children's IDs); a child still unknown counts as sound.
                info.Bad = info.Problems.Count > 0 || info.Children.Exists(c => _trees.TryGetValue(c.Subtree, out var ci) && ci.Bad == true);
            }
            return top.Bad ?? false;
        }
    }
}
