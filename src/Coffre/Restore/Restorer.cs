using System.Buffers;
using System.Text;
using System.Threading.Channels;
using Coffre.Archiver;
using Coffre.Model;
using Coffre.Platform;
using Coffre.Repository.Pack;

namespace Coffre.Restore;

/// <summary>
/// Restores a snapshot (or some paths of it) under a target folder. The walker creates folders, empty files,
/// links and special files in tree order and queues every blob of every file; workers read, verify (MAC,
/// length, SHA-256) and write blobs in parallel at their offsets; the worker writing a file's last blob closes
/// it and applies its metadata. Folder times are applied last, deepest first, since writing changes them.
/// </summary>
public sealed class Restorer(Repository.Repository repo)
{
    private readonly List<string> _warnings = [];
    private readonly List<(byte[] Path, Node Node)> _dirs = [];
    private readonly List<(byte[] Path, byte[] Existing, Node Node)> _hardlinks = [];
    private readonly Dictionary<(ulong, ulong), byte[]> _linkFirst = [];
    private long _files, _bytes;
    private IncludeFilter _includes = new([]);
    private bool _overwrite;
    private bool _removeExtra;
    private Func<string, bool> _keep = static _ => false;
    private long _removed;

    public async Task<RestoreResult> RestoreAsync(Snapshot snapshot, RestoreOptions options, RestoreProgress progress, CancellationToken ct)
    {
        repo.EnsureIndexComplete();
        _overwrite = options.Overwrite;
        _removeExtra = options.Overwrite && options.RemoveExtra;
        if (options.Keep is { } keep) _keep = keep;
        _includes = new IncludeFilter(options.Includes);
        var target = UnixPath.GetFullPath(options.Target);
        var (startTree, startDir) = await StartAsync(snapshot, options.From, target, ct).ConfigureAwait(false);
        PrepareTarget(target, options.Overwrite);

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        // blobs: the walker writes, the workers read.
        var blobs = Channel.CreateBounded<BlobWrite>(new BoundedChannelOptions(64) { SingleWriter = true });
        var workers = Enumerable.Range(0, options.Workers).Select(_ => Task.Run(async () =>
        {
            try { await WriteBlobsAsync(blobs.Reader, progress, cts.Token).ConfigureAwait(false); }
            catch { await cts.CancelAsync().ConfigureAwait(false); throw; }
        }, cts.Token)).ToArray();

        try
        {
            try { await WalkAsync(startTree, target, startDir, blobs.Writer, cts.Token).ConfigureAwait(false); }
            finally { blobs.Writer.TryComplete(); }
            await Task.WhenAll(workers).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // A worker failed and cancelled the walk: report the worker's error.
            await Task.WhenAll(workers).ConfigureAwait(false);
            throw;
        }

        foreach (var (path, existing, node) in _hardlinks)
        {
            RemoveExisting(path);
            Posix.Link(existing, path);
        }
        for (var i = _dirs.Count - 1; i >= 0; i--) MetadataWriter.Apply(_dirs[i].Path, _dirs[i].Node, _warnings);
        return new RestoreResult(_files, _dirs.Count, _bytes, _warnings) { Removed = _removed };
    }

    /// <summary>The tree the walk starts from and its path in the snapshot: the root, or the folder <paramref name="from"/>.</summary>
    private async Task<(BlobId Tree, string Dir)> StartAsync(Snapshot snapshot, string? from, byte[] target, CancellationToken ct)
    {
        if (from is null) return (snapshot.Tree, "/");
        var node = await Repository.TreePaths.FindAsync(repo, snapshot.Tree, from, ct).ConfigureAwait(false);
        if (node is not { Type: NodeType.Dir, Subtree: { } sub })
            throw new CoffreException($"the snapshot has no folder {from}");
        var dir = Repository.TreePaths.Normalize(from);
        if (Selects(dir).Whole) _dirs.Add((target, node)); // the folder itself gets the snapshot's mode and times
        return (sub, dir);
    }

    private static void PrepareTarget(byte[] target, bool overwrite)
    {
        if (Posix.Exists(target))
        {
            if (!Posix.LStat(target).IsDirectory) throw new CoffreException($"restore target {UnixPath.ToDisplay(target)} is not a folder");
            if (!overwrite && Posix.ReadDirectory(target).Count > 0)
                throw new CoffreException($"restore target {UnixPath.ToDisplay(target)} is not empty: choose a new folder, or add --overwrite to replace what is there");
        }
        else Posix.MakeDirectoryAll(target, 0x1C0 /* 0700 */);
    }

    private (bool Wanted, bool Whole) Selects(string snapshotPath) => _includes.Selects(snapshotPath);

    private async Task WalkAsync(BlobId treeId, byte[] dir, string snapshotDir, ChannelWriter<BlobWrite> blobs, CancellationToken ct)
    {
        if (snapshotDir.AsSpan().Count('/') >= NodeName.MaxTreeDepth) throw Repository.TreeWalker.TooDeep(snapshotDir);
        var nodes = await repo.LoadTreeAsync(treeId, snapshotDir, ct).ConfigureAwait(false);
        if (_removeExtra && Selects(snapshotDir).Whole) RemoveExtra(dir, nodes);
        foreach (var node in nodes)
        {
            var snapshotPath = (snapshotDir == "/" ? "/" : snapshotDir + "/") + Encoding.UTF8.GetString(node.Name);
            var (wanted, whole) = Selects(snapshotPath);
            if (!wanted) continue;
            var path = UnixPath.Join(dir, node.Name);
            if (node.Type == NodeType.Dir)
            {
                Posix.MakeDirectory(path, 0x1C0 /* 0700 */);
                _dirs.Add((path, node));
                if (node.Subtree is { } sub) await WalkAsync(sub, path, snapshotPath, blobs, ct).ConfigureAwait(false);
                continue;
            }
            if (!whole) continue;
            await RestoreLeafAsync(path, node, blobs, ct).ConfigureAwait(false);
        }
    }

    private async Task RestoreLeafAsync(byte[] path, Node node, ChannelWriter<BlobWrite> blobs, CancellationToken ct)
    {
        if (node.Links > 1 && node.Type != NodeType.Dir)
        {
            var key = (node.Inode, node.DeviceId);
            if (_linkFirst.TryGetValue(key, out var first))
            {
                _hardlinks.Add((path, first, node));
                return;
            }
            _linkFirst[key] = path;
        }
        switch (node.Type)
        {
            case NodeType.File:
                await QueueFileAsync(path, node, blobs, ct).ConfigureAwait(false);
                return;
            case NodeType.Symlink:
                RemoveExisting(path);
                Posix.Symlink(node.LinkTarget ?? [], path);
                break;
            case NodeType.Fifo:
                RemoveExisting(path);
                Posix.MakeFifo(path, GoFileMode.ToUnixPermissions(node.Mode));
                break;
            case NodeType.Dev:
            case NodeType.CharDev:
                RemoveExisting(path);
                try { Posix.MakeNode(path, (node.Type == NodeType.Dev ? 0x6000u : 0x2000u) | GoFileMode.ToUnixPermissions(node.Mode), node.Device); }
                catch (PosixException e) { lock (_warnings) _warnings.Add(e.Message); return; }
                break;
            default:
                lock (_warnings) _warnings.Add($"{UnixPath.ToDisplay(path)}: {node.Type} nodes are not restored");
                return;
        }
        MetadataWriter.Apply(path, node, _warnings);
    }

    private void RemoveExisting(byte[] path)
    {
        if (!_overwrite || !Posix.Exists(path)) return;
        if (Posix.LStat(path).IsDirectory)
        {
            if (!_removeExtra) throw new CoffreException($"{UnixPath.ToDisplay(path)} is a folder in the target where the snapshot has a file");
            RemoveTree(path);
            return;
        }
        Posix.Unlink(path);
    }

    /// <summary>Removes the entries of <paramref name="dir"/> the snapshot's folder does not have, and any entry whose
    /// type differs from the snapshot's (a file where the snapshot has a folder, and so on).</summary>
    private void RemoveExtra(byte[] dir, List<Node> nodes)
    {
        if (Posix.TryLStat(dir, out var st) != 0 || !st.IsDirectory) return;
        var wanted = new Dictionary<byte[], NodeType>(ByteArrayComparer.Instance);
        foreach (var n in nodes) wanted[n.Name] = n.Type;
        foreach (var name in Posix.ReadDirectory(dir))
        {
            var path = UnixPath.Join(dir, name);
            if (wanted.TryGetValue(name, out var type))
            {
                var isDir = Posix.LStat(path).IsDirectory;
                if (isDir == (type == NodeType.Dir)) continue;
            }
            RemoveTree(path);
        }
    }

    /// <summary>Removes a path, except what <see cref="RestoreOptions.Keep"/> protects (a folder holding such a path stays).</summary>
    private void RemoveTree(byte[] path)
    {
        if (_keep(UnixPath.ToDisplay(path))) return;
        if (Posix.LStat(path).IsDirectory)
        {
            foreach (var name in Posix.ReadDirectory(path)) RemoveTree(UnixPath.Join(path, name));
            if (Posix.ReadDirectory(path).Count == 0) Posix.RemoveDirectory(path);
        }
        else
        {
            Posix.Unlink(path);
            _removed++;
        }
    }

    private async Task QueueFileAsync(byte[] path, Node node, ChannelWriter<BlobWrite> blobs, CancellationToken ct)
    {
        RemoveExisting(path);
        var handle = Posix.CreateFile(path, 0x180 /* 0600 */, exclusive: !_overwrite);
        var content = node.Content ?? [];
        Interlocked.Increment(ref _files);
        if (content.Count == 0)
        {
            handle.Dispose();
            MetadataWriter.Apply(path, node, _warnings);
            return;
        }
        var file = new RestoreFile(path, node, handle, content.Count);
        long offset = 0;
        foreach (var id in content)
        {
            if (!repo.Index.TryGet(id, out var loc))
                throw new CoffreException($"blob {id.ToShortString()} of {UnixPath.ToDisplay(path)} is missing from the repository: run 'coffre check'");
            await blobs.WriteAsync(new BlobWrite(file, id, offset), ct).ConfigureAwait(false);
            offset += loc.PlainLength;
        }
    }

    private async Task WriteBlobsAsync(ChannelReader<BlobWrite> blobs, RestoreProgress progress, CancellationToken ct)
    {
        BlobCodec.DecodeBuffers? buffers = null;
        await foreach (var w in blobs.ReadAllAsync(ct).ConfigureAwait(false))
        {
            buffers ??= new BlobCodec.DecodeBuffers();
            var plain = await repo.ReadBlobAsync(w.Blob, buffers, ct).ConfigureAwait(false);
            await RandomAccess.WriteAsync(w.File.Handle, plain, w.Offset, ct).ConfigureAwait(false);
            var len = plain.Length;
            Interlocked.Add(ref _bytes, len);
            progress.Bytes(len);
            if (!w.File.BlobWritten()) continue;
            w.File.Handle.Dispose();
            MetadataWriter.Apply(w.File.Path, w.File.Node, _warnings);
            progress.File();
        }
    }
}
