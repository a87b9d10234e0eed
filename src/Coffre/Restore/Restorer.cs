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
/// length, SHA-256) and write blobs in parallel at their offsets; the worker handling a file's last blob closes
/// it and applies its metadata. Folder times are applied last, deepest first, since writing changes them.
/// Every entry is made relative to its folder's descriptor (<see cref="DirectoryHandle"/>) and no symlink is ever
/// followed below the target: a link found where the snapshot has a folder is replaced (with overwrite) or refused.
/// A file whose data is damaged or missing is skipped and named in <see cref="RestoreResult.Failures"/>; the rest
/// is restored.
/// </summary>
public sealed class Restorer(Repository.RepositoryReader repo)
{
    private const uint PrivateFolder = 0x1C0; // 0700 until the folder's own mode is applied at the end
    private const uint FifoType = 0x1000, CharType = 0x2000, BlockType = 0x6000; // S_IFIFO, S_IFCHR, S_IFBLK for mknod
    private readonly List<string> _warnings = [];
    private readonly List<RestoreFailure> _failures = [];
    private readonly List<(int Folder, byte[] Name)> _toRemove = [];
    private readonly List<(int Folder, byte[] Name, LinkSource Source)> _hardlinks = [];
    private readonly Dictionary<(ulong, ulong), LinkSource> _linkFirst = [];
    private RestoredFolders _folders = null!;
    private long _files, _bytes, _removed, _unchanged;
    private IncludeFilter _includes = new([]);
    private bool _overwrite;
    private bool _removeExtra;
    private bool _keepUnchanged;
    private Func<string, bool> _keep = static _ => false;

    public async Task<RestoreResult> RestoreAsync(Snapshot snapshot, RestoreOptions options, RestoreProgress progress, CancellationToken ct)
    {
        repo.EnsureIndexComplete();
        _overwrite = options.Overwrite;
        _removeExtra = options.Overwrite && options.RemoveExtra;
        _keepUnchanged = options.Overwrite && options.KeepUnchanged;
        if (options.Keep is { } keep) _keep = keep;
        _includes = new IncludeFilter(options.Includes);
        var target = UnixPath.GetFullPath(options.Target);
        var (startTree, startDir, startNode) = await StartAsync(snapshot, options.From, ct).ConfigureAwait(false);
        using var root = options.Within is { } within ? OpenWithin(UnixPath.GetFullPath(within), target, options.Overwrite) : OpenTarget(target, options.Overwrite);
        using var folders = _folders = new RestoredFolders(root);
        if (startNode is not null) folders.SetTargetNode(startNode);

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
            try { await WalkAsync(startTree, root, RestoredFolders.Root, startDir, 0, blobs.Writer, cts.Token).ConfigureAwait(false); }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The walk failed: stop the workers before reporting, so no write happens after this returns.
                blobs.Writer.TryComplete();
                await cts.CancelAsync().ConfigureAwait(false);
                try { await Task.WhenAll(workers).ConfigureAwait(false); }
                catch (Exception) when (cts.IsCancellationRequested) { }
                throw;
            }
            finally { blobs.Writer.TryComplete(); }
            await Task.WhenAll(workers).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // A worker failed and cancelled the walk: report the worker's error.
            await Task.WhenAll(workers).ConfigureAwait(false);
            throw;
        }

        RemoveFailedFiles();
        MakeHardLinks();
        for (var i = folders.Count - 1; i >= 0; i--)
        {
            if (folders.NodeOf(i) is not { } node) continue;
            try { MetadataWriter.Apply(folders.Open(i), node, _warnings); }
            catch (PosixException e) { _warnings.Add(e.Message); }
        }
        return new RestoreResult(_files, folders.Count - 1, _bytes, _warnings)
        {
            Removed = _removed, Unchanged = _unchanged, Failures = _failures.OrderBy(f => f.Path, StringComparer.Ordinal).ToList(),
        };
    }

    /// <summary>The tree the walk starts from, its path in the snapshot, and the folder node the target stands for (when restored whole).</summary>
    private async Task<(BlobId Tree, string Dir, Node? Node)> StartAsync(Snapshot snapshot, string? from, CancellationToken ct)
    {
        if (from is null) return (snapshot.Tree, "/", null);
        var node = await Repository.TreePaths.FindAsync(repo, snapshot.Tree, from, ct).ConfigureAwait(false);
        if (node is not { Type: NodeType.Dir, Subtree: { } sub })
            throw new CoffreException($"the snapshot has no folder {from}");
        var dir = Repository.TreePaths.Normalize(from);
        return (sub, dir, Selects(dir).Whole ? node : null); // the folder itself gets the snapshot's mode and times
    }

    /// <summary>Creates the target when missing and opens it; its own parents are the caller's choice, the target itself must be a real folder.</summary>
    private static DirectoryHandle OpenTarget(byte[] target, bool overwrite)
    {
        if (Posix.TryLStat(target, out var st) == 0)
        {
            if (!st.IsDirectory) throw new CoffreException($"restore target {UnixPath.ToDisplay(target)} is not a folder");
        }
        else Posix.MakeDirectoryAll(target, PrivateFolder);
        var root = DirectoryHandle.Open(target);
        if (!overwrite && root.ReadEntries().Count > 0)
        {
            root.Dispose();
            throw new CoffreException($"restore target {UnixPath.ToDisplay(target)} is not empty: choose a new folder, or add --overwrite to replace what is there");
        }
        return root;
    }

    /// <summary>
    /// Opens the target through its parents from <paramref name="within"/> down, each made when missing and none
    /// followed if it is a symlink (something planted in the folder the caller chose is refused, not followed).
    /// </summary>
    private DirectoryHandle OpenWithin(byte[] within, byte[] target, bool overwrite)
    {
        var rest = target.AsSpan();
        if (!rest.StartsWith(within) || (rest.Length > within.Length && rest[within.Length] != (byte)'/' && within is not [(byte)'/']))
            throw new ArgumentException($"{UnixPath.ToDisplay(target)} is not inside {UnixPath.ToDisplay(within)}");
        var current = OpenTarget(within, overwrite: true);
        var overwriting = _overwrite;
        _overwrite = false; // a parent of the target that is not a folder is refused, never replaced
        try
        {
            foreach (var name in Components(rest[within.Length..]))
            {
                var next = MakeFolder(current, name);
                current.Dispose();
                current = next;
            }
        }
        catch
        {
            current.Dispose();
            throw;
        }
        finally { _overwrite = overwriting; }
        if (!overwrite && current.ReadEntries().Count > 0)
        {
            current.Dispose();
            throw new CoffreException($"restore target {UnixPath.ToDisplay(target)} is not empty: choose a new folder, or add --overwrite to replace what is there");
        }
        return current;
    }

    /// <summary>The names of a relative path ("a/b" -> a, b); "." and ".." are refused.</summary>
    private static List<byte[]> Components(ReadOnlySpan<byte> relative)
    {
        var names = new List<byte[]>();
        foreach (var range in relative.Split((byte)'/'))
        {
            var name = relative[range];
            if (name.IsEmpty) continue;
            if (!NodeName.IsValid(name)) throw new ArgumentException($"{UnixPath.ToDisplay(relative)} is not a plain relative path");
            names.Add(name.ToArray());
        }
        return names;
    }

    private (bool Wanted, bool Whole) Selects(string snapshotPath) => _includes.Selects(snapshotPath);

    private async Task WalkAsync(BlobId treeId, DirectoryHandle dir, int folder, string snapshotDir, int depth, ChannelWriter<BlobWrite> blobs, CancellationToken ct)
    {
        if (depth > NodeName.MaxTreeDepth) throw Repository.TreeWalker.TooDeep(snapshotDir);
        List<Node> nodes;
        try { nodes = await repo.LoadTreeAsync(treeId, snapshotDir, ct).ConfigureAwait(false); }
        catch (Exception e) when (depth > 0 && IsDamage(e))
        {
            Fail(dir.Path, $"the folder's listing cannot be read, so nothing in it was restored ({e.Message})");
            return;
        }
        CheckNames(nodes, snapshotDir);
        if (_removeExtra && Selects(snapshotDir).Whole) RemoveExtra(dir, nodes);
        foreach (var node in nodes)
        {
            var snapshotPath = (snapshotDir == "/" ? "/" : snapshotDir + "/") + Encoding.UTF8.GetString(node.Name);
            var (wanted, whole) = Selects(snapshotPath);
            if (!wanted) continue;
            if (node.Type == NodeType.Dir)
            {
                using var child = MakeFolder(dir, node.Name);
                var index = _folders.Add(folder, node.Name, node);
                if (node.Subtree is { } sub) await WalkAsync(sub, child, index, snapshotPath, depth + 1, blobs, ct).ConfigureAwait(false);
                continue;
            }
            if (!whole) continue;
            await RestoreLeafAsync(dir, folder, node, blobs, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Refuses a tree with a name that is not a single file name ("", ".", "..", one holding '/' or NUL) or a name
    /// given twice: either could make the restore leave the folder or write through a link it made itself.
    /// </summary>
    private static void CheckNames(List<Node> nodes, string snapshotDir)
    {
        var seen = new HashSet<byte[]>(ByteArrayComparer.Instance);
        foreach (var n in nodes)
        {
            if (!NodeName.IsValid(n.Name))
                throw new InvalidTreeException($"folder {snapshotDir} of the snapshot has an invalid child node name \"{UnixPath.ToDisplay(n.Name)}\"; the repository is damaged or forged");
            if (!seen.Add(n.Name))
                throw new InvalidTreeException($"folder {snapshotDir} of the snapshot names \"{UnixPath.ToDisplay(n.Name)}\" twice; the repository is damaged or forged");
        }
    }

    /// <summary>
    /// Makes the folder <paramref name="name"/> and opens it without following a symlink. Something else there
    /// (a symlink planted where the snapshot has a folder, a file) is removed itself with overwrite, and refused
    /// otherwise; what a symlink points to is never touched.
    /// </summary>
    private DirectoryHandle MakeFolder(DirectoryHandle dir, byte[] name)
    {
        var errno = dir.TryMakeDirectory(name, PrivateFolder);
        if (errno == Errno.EEXIST && dir.TryStat(name, out var st) == 0)
        {
            if (st.IsDirectory) errno = 0;
            else if (!_overwrite)
                throw new CoffreException($"{UnixPath.ToDisplay(dir.PathOf(name))}: file exists where the snapshot has a folder; nothing was written through it");
            else
            {
                dir.Unlink(name);
                errno = dir.TryMakeDirectory(name, PrivateFolder);
            }
        }
        if (errno != 0) throw new PosixException("mkdir", dir.PathOf(name), errno);
        return dir.OpenDirectory(name);
    }

    private async Task RestoreLeafAsync(DirectoryHandle dir, int folder, Node node, ChannelWriter<BlobWrite> blobs, CancellationToken ct)
    {
        LinkSource? source = null;
        if (node.Links > 1)
        {
            var key = (node.Inode, node.DeviceId);
            if (_linkFirst.TryGetValue(key, out var first))
            {
                _hardlinks.Add((folder, node.Name, first));
                return;
            }
            _linkFirst[key] = source = new LinkSource(folder, node.Name);
        }
        switch (node.Type)
        {
            case NodeType.File:
                var (there, pending) = await QueueFileAsync(dir, folder, node, blobs, ct).ConfigureAwait(false);
                if (source is not null) { source.File = pending; source.Missing = !there; }
                return;
            case NodeType.Symlink:
                if (_keepUnchanged && dir.TryReadLink(node.Name) is { } existing && existing.AsSpan().SequenceEqual(node.LinkTarget ?? []))
                {
                    Interlocked.Increment(ref _unchanged); // the same link: left as it is
                    return;
                }
                RemoveExisting(dir, node.Name);
                dir.Symlink(node.LinkTarget ?? [], node.Name);
                break;
            case NodeType.Fifo:
                RemoveExisting(dir, node.Name);
                dir.MakeNode(node.Name, FifoType | GoFileMode.ToUnixPermissions(node.Mode), 0);
                break;
            case NodeType.Dev:
            case NodeType.CharDev:
                RemoveExisting(dir, node.Name);
                try { dir.MakeNode(node.Name, (node.Type == NodeType.Dev ? BlockType : CharType) | GoFileMode.ToUnixPermissions(node.Mode), node.Device); }
                catch (PosixException e) { lock (_warnings) _warnings.Add(e.Message); return; }
                break;
            default:
                lock (_warnings) _warnings.Add($"{UnixPath.ToDisplay(dir.PathOf(node.Name))}: {node.Type} nodes are not restored");
                return;
        }
        MetadataWriter.Apply(dir, node.Name, node, _warnings);
    }

    /// <summary>
    /// Creates the file and queues its blobs. <c>There</c> is false when its data is missing from the repository (a
    /// failure; what the target holds at that name is left alone); <c>Pending</c> is the file while blobs are queued.
    /// </summary>
    private async Task<(bool There, RestoreFile? Pending)> QueueFileAsync(DirectoryHandle dir, int folder, Node node, ChannelWriter<BlobWrite> blobs, CancellationToken ct)
    {
        var content = node.Content ?? [];
        var path = dir.PathOf(node.Name);
        foreach (var id in content)
            if (!repo.Index.TryGet(id, out _))
            {
                Fail(path, $"blob {id.ToShortString()} is missing from the repository");
                return (false, null);
            }
        if (_keepUnchanged && IsUnchanged(dir, node))
        {
            Interlocked.Increment(ref _unchanged);
            return (true, null);
        }
        RemoveExisting(dir, node.Name);
        var handle = dir.CreateFile(node.Name, 0x180 /* 0600 */);
        if (content.Count == 0)
        {
            MetadataWriter.Apply(handle, path, node, _warnings);
            handle.Dispose();
            Interlocked.Increment(ref _files);
            return (true, null);
        }
        var file = new RestoreFile(folder, node.Name, path, node, handle, content.Count);
        long offset = 0;
        foreach (var id in content)
        {
            repo.Index.TryGet(id, out var loc);
            await blobs.WriteAsync(new BlobWrite(file, id, offset), ct).ConfigureAwait(false);
            offset += loc.PlainLength;
        }
        return (true, file);
    }

    /// <summary>A regular file with the snapshot's size and modification time: what the restore plan calls unchanged.</summary>
    private static bool IsUnchanged(DirectoryHandle dir, Node node) =>
        dir.TryStat(node.Name, out var st) == 0 && st.IsRegularFile && st.Size == (long)node.Size
        && st.ModifyTime.Seconds == node.ModTime.UnixSeconds && st.ModifyTime.Nanoseconds == node.ModTime.Nanoseconds;

    private void RemoveExisting(DirectoryHandle dir, byte[] name)
    {
        if (!_overwrite || dir.TryStat(name, out var st) != 0) return;
        if (st.IsDirectory)
        {
            if (!_removeExtra) throw new CoffreException($"{UnixPath.ToDisplay(dir.PathOf(name))} is a folder in the target where the snapshot has a file");
            RemoveTree(dir, name, 0);
            return;
        }
        dir.Unlink(name);
    }

    /// <summary>Removes the entries of <paramref name="dir"/> the snapshot's folder does not have, and any entry whose
    /// type differs from the snapshot's (a file or a symlink where the snapshot has a folder, and so on).</summary>
    private void RemoveExtra(DirectoryHandle dir, List<Node> nodes)
    {
        var wanted = new Dictionary<byte[], NodeType>(ByteArrayComparer.Instance);
        foreach (var n in nodes) wanted[n.Name] = n.Type;
        foreach (var name in dir.ReadEntries())
        {
            if (wanted.TryGetValue(name, out var type) && dir.TryStat(name, out var st) == 0 && st.IsDirectory == (type == NodeType.Dir)) continue;
            RemoveTree(dir, name, 0);
        }
    }

    /// <summary>Removes an entry (a folder with what it holds, through descriptors), except what <see cref="RestoreOptions.Keep"/>
    /// protects (a folder holding such a path stays).</summary>
    private void RemoveTree(DirectoryHandle dir, byte[] name, int depth)
    {
        if (_keep(UnixPath.ToDisplay(dir.PathOf(name))) || dir.TryStat(name, out var st) != 0) return;
        if (!st.IsDirectory)
        {
            dir.Unlink(name);
            _removed++;
            return;
        }
        if (depth > NodeName.MaxTreeDepth)
            throw new CoffreException($"{UnixPath.ToDisplay(dir.PathOf(name))}: folders nested deeper than {NodeName.MaxTreeDepth} levels; remove it yourself");
        int left;
        using (var sub = dir.OpenDirectory(name))
        {
            foreach (var entry in sub.ReadEntries()) RemoveTree(sub, entry, depth + 1);
            left = sub.ReadEntries().Count;
        }
        if (left == 0) dir.RemoveDirectory(name);
    }

    private async Task WriteBlobsAsync(ChannelReader<BlobWrite> blobs, RestoreProgress progress, CancellationToken ct)
    {
        BlobCodec.DecodeBuffers? buffers = null;
        await foreach (var w in blobs.ReadAllAsync(ct).ConfigureAwait(false))
        {
            var file = w.File;
            if (file.Failure is null)
            {
                try
                {
                    buffers ??= new BlobCodec.DecodeBuffers();
                    var plain = await repo.ReadBlobAsync(w.Blob, buffers, ct).ConfigureAwait(false);
                    await RandomAccess.WriteAsync(file.Handle, plain, w.Offset, ct).ConfigureAwait(false);
                    var len = plain.Length;
                    Interlocked.Add(ref _bytes, len);
                    progress.Bytes(len);
                }
                catch (Exception e) when (IsDamage(e)) { file.Fail(e.Message); }
            }
            if (!file.BlobDone()) continue;
            if (file.Failure is { } reason)
            {
                file.Handle.Dispose();
                lock (_toRemove) _toRemove.Add((file.Folder, file.Name));
                Fail(file.Path, reason);
                continue;
            }
            MetadataWriter.Apply(file.Handle, file.Path, file.Node, _warnings);
            file.Handle.Dispose();
            Interlocked.Increment(ref _files);
            progress.File();
        }
    }

    /// <summary>Files that could not be restored are removed: no empty or partial file is left for them.</summary>
    private void RemoveFailedFiles()
    {
        foreach (var (folder, name) in _toRemove.OrderBy(r => r.Folder))
        {
            try { _folders.Open(folder).Unlink(name); }
            catch (PosixException e) { _warnings.Add($"{e.Message} (a file that could not be restored)"); }
        }
    }

    /// <summary>Hard links are made last, when every file exists, between two folders both reached inside the target.</summary>
    private void MakeHardLinks()
    {
        foreach (var (folder, name, source) in _hardlinks)
        {
            using var to = _folders.OpenOwn(folder);
            if (source.Failed)
            {
                Fail(to.PathOf(name), $"hard link to {UnixPath.ToDisplay(source.Name)}, which could not be restored");
                continue;
            }
            using var from = _folders.OpenOwn(source.Folder);
            if (to.TryStat(name, out var there) == 0 && from.TryStat(source.Name, out var first) == 0 && there.Inode == first.Inode && there.Device == first.Device)
                continue; // already this link (an unchanged pair): left as it is
            RemoveExisting(to, name);
            DirectoryHandle.Link(from, source.Name, to, name);
        }
    }

    private void Fail(byte[] path, string reason)
    {
        lock (_failures) _failures.Add(new RestoreFailure(UnixPath.ToDisplay(path), reason));
    }

    /// <summary>Data the repository cannot give back (a blob failing its MAC, a missing or truncated pack).</summary>
    private static bool IsDamage(Exception e) => e is InvalidDataException or FileNotFoundException;
}
