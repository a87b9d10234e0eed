using System.Security.Cryptography;
using System.Text;
using Coffre.Model;
using Coffre.Model.Json;
using Coffre.Repository.Pack;
using Coffre.Storage;

namespace Coffre.Maintenance;

/// <summary>
/// Verifies a repository as restic's checker does (format doc §13): index files load, every indexed pack exists
/// with the size the index implies, every snapshot's trees load and reference only indexed blobs; with
/// read-data, every pack hashes to its name, its header matches the index and every blob verifies. Damaged
/// packs are traced to the snapshot files that need them.
/// </summary>
public sealed class Checker(Repository.Repository repo)
{
    private readonly CheckReport _report = new();
    // The index as the index files describe it: pack -> its blobs (a pack should appear once).
    private readonly Dictionary<BlobId, List<IndexBlob>> _packs = [];
    private readonly HashSet<BlobId> _dataBlobs = [];
    private readonly HashSet<BlobId> _treeBlobs = [];

    public async Task<CheckReport> CheckAsync(CheckOptions options, CancellationToken ct)
    {
        await LoadIndexFilesAsync(ct).ConfigureAwait(false);
        var stored = new Dictionary<BlobId, long>();
        await foreach (var e in repo.Backend.ListAsync(FileType.Pack, ct).ConfigureAwait(false)) stored[BlobId.Parse(e.Name)] = e.Size;
        _report.Packs = stored.Count;

        var damaged = new Dictionary<BlobId, string>();
        foreach (var (pack, blobs) in _packs)
        {
            if (!stored.TryGetValue(pack, out var size)) damaged[pack] = "pack is missing";
            else if (size != PackHeader.PackSize(blobs)) damaged[pack] = $"pack has {size} bytes, the index expects {PackHeader.PackSize(blobs)} (truncated or damaged)";
        }
        foreach (var pack in stored.Keys)
            if (!_packs.ContainsKey(pack)) _report.Hints.Add($"pack {pack.ToShortString()} is not referenced by any index (unused data; prune removes it)");

        var snapshots = await LoadSnapshotsAsync(ct).ConfigureAwait(false);
        await CheckStructureAsync(snapshots, ct).ConfigureAwait(false);

        if (options.ReadData || options.ReadDataSubsetPercent is not null)
        {
            var candidates = _packs.Keys.Where(p => !damaged.ContainsKey(p)).ToList();
            if (options.ReadDataSubsetPercent is { } pct && pct < 100)
            {
                var n = (int)Math.Ceiling(candidates.Count * Math.Clamp(pct, 0, 100) / 100.0);
                candidates = candidates.OrderBy(_ => RandomNumberGenerator.GetInt32(int.MaxValue)).Take(n).ToList();
            }
            await Parallel.ForEachAsync(candidates, new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = ct }, async (pack, token) =>
            {
                var problem = await ReadPackAsync(pack, token).ConfigureAwait(false);
                lock (damaged)
                {
                    _report.PacksRead++;
                    if (problem is not null) damaged[pack] = problem;
                }
            }).ConfigureAwait(false);
        }

        if (damaged.Count > 0) await TraceDamageAsync(damaged, snapshots, ct).ConfigureAwait(false);
        return _report;
    }

    private async Task LoadIndexFilesAsync(CancellationToken ct)
    {
        await foreach (var e in repo.Backend.ListAsync(FileType.Index, ct).ConfigureAwait(false))
        {
            List<IndexPack> filePacks;
            try { filePacks = IndexJson.ParsePacks(await repo.LoadJsonAsync(FileType.Index, e.Name, ct).ConfigureAwait(false)); }
            catch (Exception ex) when (ex is InvalidDataException or System.Text.Json.JsonException)
            {
                _report.Errors.Add($"index {e.Name[..8]}: {ex.Message}");
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
                foreach (var b in blobs) (b.Type == BlobType.Data ? _dataBlobs : _treeBlobs).Add(b.Id);
                if (blobs.Any(b => b.Type == BlobType.Data) && blobs.Any(b => b.Type == BlobType.Tree))
                    _report.Hints.Add($"pack {pack.ToShortString()} mixes data and tree blobs");
            }
        }
    }

    private async Task<List<Repository.SnapshotEntry>> LoadSnapshotsAsync(CancellationToken ct)
    {
        var list = new List<Repository.SnapshotEntry>();
        await foreach (var e in repo.Backend.ListAsync(FileType.Snapshot, ct).ConfigureAwait(false))
        {
            try { list.Add(new(BlobId.Parse(e.Name), SnapshotJson.Parse(await repo.LoadJsonAsync(FileType.Snapshot, e.Name, ct).ConfigureAwait(false)))); }
            catch (Exception ex) when (ex is InvalidDataException or System.Text.Json.JsonException or FormatException)
            {
                _report.Errors.Add($"snapshot {e.Name[..8]}: {ex.Message}");
            }
        }
        _report.Snapshots = list.Count;
        return list;
    }

    private async Task CheckStructureAsync(List<Repository.SnapshotEntry> snapshots, CancellationToken ct)
    {
        var seen = new HashSet<BlobId>();
        foreach (var s in snapshots)
        {
            var stack = new Stack<(BlobId Tree, string Path)>();
            stack.Push((s.Snapshot.Tree, ""));
            while (stack.Count > 0)
            {
                var (tree, path) = stack.Pop();
                if (!seen.Add(tree)) continue;
                _report.Trees++;
                if (!_treeBlobs.Contains(tree))
                {
                    _report.Errors.Add($"snapshot {s.Id.ToShortString()}: tree {tree.ToShortString()} of {DisplayPath(path)} is not in the index");
                    continue;
                }
                if (path.AsSpan().Count('/') >= NodeName.MaxTreeDepth)
                {
                    _report.Errors.Add($"snapshot {s.Id.ToShortString()}: {Repository.TreeWalker.TooDeep(path).Message}");
                    continue;
                }
                List<Node> nodes;
                try { nodes = await repo.LoadTreeAsync(tree, ct).ConfigureAwait(false); }
                catch (Exception ex) when (ex is InvalidDataException or System.Text.Json.JsonException or FormatException or InvalidTreeException)
                {
                    _report.Errors.Add($"snapshot {s.Id.ToShortString()}: tree {tree.ToShortString()} of {DisplayPath(path)} cannot be read: {ex.Message}");
                    continue;
                }
                foreach (var n in nodes)
                {
                    var p = path + "/" + n.DisplayName;
                    if (n.Name.Length == 0) _report.Errors.Add($"tree {tree.ToShortString()}: a node has an empty name");
                    if (n.Type == NodeType.File)
                    {
                        if (n.Content is null) _report.Errors.Add($"{p}: file without content list");
                        else foreach (var id in n.Content)
                            if (id.IsZero || !_dataBlobs.Contains(id))
                                _report.Errors.Add($"snapshot {s.Id.ToShortString()}: {p}: data blob {id.ToShortString()} is not in the index");
                    }
                    else if (n.Type == NodeType.Dir)
                    {
                        if (n.Subtree is { } sub) stack.Push((sub, p));
                        else _report.Errors.Add($"snapshot {s.Id.ToShortString()}: folder {p} has no subtree");
                    }
                }
            }
        }
    }

    private static string DisplayPath(string p) => p.Length == 0 ? "/" : p;

    /// <summary>Reads a whole pack and verifies it; returns what is wrong, or null.</summary>
    private async Task<string?> ReadPackAsync(BlobId pack, CancellationToken ct)
    {
        byte[] bytes;
        try { bytes = await repo.Backend.LoadAsync(new StorageHandle(FileType.Pack, pack.ToString()), ct).ConfigureAwait(false); }
        catch (StorageNotFoundException) { return "pack is missing"; }
        if (BlobId.Hash(bytes) != pack) return "pack content does not match its name (damaged)";
        var expected = _packs[pack].OrderBy(b => b.Offset).ToList();
        List<IndexBlob> header;
        try { header = PackHeader.ReadFromPack(bytes, pack, repo.Key); }
        catch (InvalidDataException e) { return e.Message; }
        if (!header.SequenceEqual(expected)) return "pack header does not match the index";
        foreach (var b in header)
        {
            try
            {
                BlobCodec.Decode(repo.Key, bytes.AsSpan((int)b.Offset, (int)b.Length), b, out var plain);
                BufferPool.Instance.Return(plain);
            }
            catch (InvalidDataException e) { return e.Message; }
        }
        return null;
    }

    /// <summary>Lists, for each damaged pack, the snapshot files whose content (or folders whose tree) it holds.</summary>
    private async Task TraceDamageAsync(Dictionary<BlobId, string> damaged, List<Repository.SnapshotEntry> snapshots, CancellationToken ct)
    {
        var blobToPack = new Dictionary<BlobId, BlobId>();
        foreach (var pack in damaged.Keys)
            if (_packs.TryGetValue(pack, out var blobs))
                foreach (var b in blobs) blobToPack[b.Id] = pack;
        var affected = damaged.Keys.ToDictionary(p => p, _ => new List<string>());
        foreach (var s in snapshots)
        {
            var stack = new Stack<(BlobId, string)>();
            stack.Push((s.Snapshot.Tree, ""));
            while (stack.Count > 0)
            {
                var (tree, path) = stack.Pop();
                if (blobToPack.TryGetValue(tree, out var tp))
                {
                    affected[tp].Add($"snapshot {s.Id.ToShortString()}: {DisplayPath(path)} (folder listing)");
                    continue;
                }
                List<Node> nodes;
                try { nodes = await repo.LoadTreeAsync(tree, ct).ConfigureAwait(false); }
                catch (Exception ex) when (ex is InvalidDataException or FormatException) { continue; }
                foreach (var n in nodes)
                {
                    var p = path + "/" + n.DisplayName;
                    if (n.Type == NodeType.Dir && n.Subtree is { } sub) stack.Push((sub, p));
                    else if (n.Content is { } content)
                        foreach (var pack in content.Where(blobToPack.ContainsKey).Select(c => blobToPack[c]).Distinct())
                            affected[pack].Add($"snapshot {s.Id.ToShortString()}: {p}");
                }
            }
        }
        foreach (var (pack, reason) in damaged)
        {
            _report.DamagedPacks.Add(new DamagedPack(pack, reason, affected[pack]));
            var sb = new StringBuilder($"pack {pack.ToShortString()}: {reason}");
            if (affected[pack].Count > 0) sb.Append($"; affects {affected[pack].Count} file(s), e.g. {affected[pack][0]}");
            _report.Errors.Add(sb.ToString());
        }
    }
}
