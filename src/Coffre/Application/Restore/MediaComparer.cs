using System.Text;
using Coffre.Archiver;
using Coffre.Model;
using Coffre.Platform;
using Coffre.Restore;

namespace Coffre.Application.Restore;

/// <summary>How a folder on disk differs from a folder of a snapshot.</summary>
public sealed record MediaDifference(long Files, long Bytes, long Created, long Overwritten, long Unchanged, long Removed, IReadOnlyList<string> Differences)
{
    /// <summary>The folder holds exactly what the snapshot holds (for the paths compared).</summary>
    public bool Matches => Created == 0 && Overwritten == 0 && Removed == 0;
}

/// <summary>
/// Compares a media folder of a snapshot with a folder on disk: before a restore, to show what it will create,
/// overwrite and remove (a file counts as unchanged when size and modification time agree); after it, with
/// <c>checkContent</c>, to verify that every restored file's content hashes to the snapshot's blobs. Paths the
/// folder's excludes match are never counted as removed: the backup never held them.
/// </summary>
public sealed class MediaComparer
{
    private const int MaxListed = 20;
    private readonly Repository.RepositoryReader _repo;
    private readonly IncludeFilter _includes;
    private readonly ExcludeMatcher _excludes;
    private readonly bool _checkContent;
    private readonly List<string> _differences = [];
    private readonly List<(byte[] Path, Node Node)> _toHash = [];
    private long _files, _bytes, _created, _overwritten, _unchanged, _removed;

    private MediaComparer(Repository.RepositoryReader repo, IncludeFilter includes, ExcludeMatcher excludes, bool checkContent)
    {
        _repo = repo;
        _includes = includes;
        _excludes = excludes;
        _checkContent = checkContent;
    }

    public static async Task<MediaDifference> CompareAsync(Repository.RepositoryReader repo, BlobId tree, string snapshotPath, string folder,
        IncludeFilter includes, IReadOnlyList<string> excludes, CancellationToken ct, bool checkContent = false)
    {
        var full = Path.GetFullPath(folder);
        var comparer = new MediaComparer(repo, includes, ExcludeMatcher.Within(full, excludes), checkContent);
        var root = UnixPath.FromString(full);
        await comparer.WalkAsync(tree, root, Posix.Exists(root), snapshotPath, ct).ConfigureAwait(false);
        await comparer.HashAsync(ct).ConfigureAwait(false);
        return new MediaDifference(comparer._files, comparer._bytes, comparer._created, comparer._overwritten, comparer._unchanged, comparer._removed,
            comparer._differences);
    }

    private async Task WalkAsync(BlobId tree, byte[] dir, bool dirExists, string snapshotDir, CancellationToken ct)
    {
        var nodes = await _repo.LoadTreeAsync(tree, ct).ConfigureAwait(false);
        if (dirExists && _includes.Selects(snapshotDir).Whole) CountExtra(dir, nodes);
        foreach (var node in nodes)
        {
            var snapshotPath = snapshotDir + "/" + Encoding.UTF8.GetString(node.Name);
            var (wanted, whole) = _includes.Selects(snapshotPath);
            if (!wanted) continue;
            var path = UnixPath.Join(dir, node.Name);
            FileStatus st = default;
            var exists = dirExists && Posix.TryLStat(path, out st) == 0;
            if (node.Type == NodeType.Dir)
            {
                if (exists && !st.IsDirectory) Differ(ref _overwritten, path, "is not a folder");
                if (node.Subtree is { } sub) await WalkAsync(sub, path, exists && st.IsDirectory, snapshotPath, ct).ConfigureAwait(false);
                continue;
            }
            if (!whole) continue;
            _files++;
            _bytes += (long)node.Size;
            if (!exists) { Differ(ref _created, path, "is missing"); continue; }
            if (st.IsDirectory) { Differ(ref _overwritten, path, "is a folder"); continue; }
            switch (node.Type)
            {
                case NodeType.File when !st.IsRegularFile || st.Size != (long)node.Size:
                    Differ(ref _overwritten, path, $"has {st.Size} bytes instead of {node.Size}");
                    break;
                case NodeType.File when _checkContent:
                    _toHash.Add((path, node));
                    break;
                case NodeType.File when st.ModifyTime.Seconds != node.ModTime.UnixSeconds || st.ModifyTime.Nanoseconds != node.ModTime.Nanoseconds:
                    Differ(ref _overwritten, path, "has another modification time");
                    break;
                case NodeType.Symlink when !st.IsSymlink || !Posix.ReadLink(path).AsSpan().SequenceEqual(node.LinkTarget ?? []):
                    Differ(ref _overwritten, path, "is not the same link");
                    break;
                default:
                    _unchanged++;
                    break;
            }
        }
    }

    /// <summary>Entries on disk the snapshot's folder does not have (or has with another type), files counted.</summary>
    private void CountExtra(byte[] dir, List<Node> nodes)
    {
        var known = new Dictionary<byte[], bool>(ByteArrayComparer.Instance);
        foreach (var n in nodes) known[n.Name] = n.Type == NodeType.Dir;
        foreach (var name in Posix.ReadDirectory(dir))
        {
            var path = UnixPath.Join(dir, name);
            if (_excludes.IsExcluded(UnixPath.ToDisplay(path))) continue;
            var isDir = Posix.LStat(path).IsDirectory;
            if (known.TryGetValue(name, out var wasDir) && wasDir == isDir) continue;
            if (!isDir) { Differ(ref _removed, path, "is not in the backup"); continue; }
            foreach (var file in FilesUnder(path)) Differ(ref _removed, file, "is not in the backup");
        }
    }

    private IEnumerable<byte[]> FilesUnder(byte[] dir)
    {
        foreach (var name in Posix.ReadDirectory(dir))
        {
            var path = UnixPath.Join(dir, name);
            if (_excludes.IsExcluded(UnixPath.ToDisplay(path))) continue;
            if (Posix.LStat(path).IsDirectory) { foreach (var f in FilesUnder(path)) yield return f; }
            else yield return path;
        }
    }

    private void Differ(ref long counter, byte[] path, string why)
    {
        counter++;
        lock (_differences)
            if (_differences.Count < MaxListed) _differences.Add($"{UnixPath.ToDisplay(path)} {why}");
    }

    /// <summary>Reads each file and checks that its bytes hash, blob by blob, to the snapshot's blob IDs.</summary>
    private async Task HashAsync(CancellationToken ct)
    {
        await Parallel.ForEachAsync(_toHash, new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = ct }, (item, token) =>
        {
            if (ContentMatches(item.Path, item.Node, token)) Interlocked.Increment(ref _unchanged);
            else Differ(ref _overwritten, item.Path, "differs from the backup");
            return ValueTask.CompletedTask;
        }).ConfigureAwait(false);
    }

    private bool ContentMatches(byte[] path, Node node, CancellationToken ct)
    {
        using var handle = Posix.OpenRead(path);
        var buffer = BufferPool.Instance.Rent(Chunking.Chunker.MaxSize);
        try
        {
            long offset = 0;
            foreach (var id in node.Content ?? [])
            {
                ct.ThrowIfCancellationRequested();
                if (!_repo.Index.TryGet(id, out var loc)) return false;
                var length = (int)loc.PlainLength;
                var read = 0;
                while (read < length)
                {
                    var n = RandomAccess.Read(handle, buffer.AsSpan(read, length - read), offset + read);
                    if (n == 0) return false;
                    read += n;
                }
                if (BlobId.Hash(buffer.AsSpan(0, length)) != id) return false;
                offset += length;
            }
            return offset == RandomAccess.GetLength(handle);
        }
        finally { BufferPool.Instance.Return(buffer); }
    }
}
