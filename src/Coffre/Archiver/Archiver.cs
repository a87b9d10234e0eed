using System.Text;
using System.Threading.Channels;
using Coffre.Model;
using Coffre.Model.Json;
using Coffre.Platform;
using Coffre.Repository;
using Coffre.Storage;

namespace Coffre.Archiver;

/// <summary>
/// Backs up files and folders into one snapshot. The pipeline (all stages overlap, all channels bounded):
/// <code>
/// walker (1)        --files: FileJob (256)-->  file workers (2): read, chunk, hash, dedup
/// file workers      --chunks: ChunkJob (4)-->  blob workers (N cores): compress, seal, append to pack
/// RepositoryWriter  --packs (1)-->             uploaders (2): store pack, then index it
/// </code>
/// Trees are written bottom-up as soon as a folder's children are known; the snapshot is written last, after
/// every pack and index is durable, so an interrupted backup never leaves a snapshot that looks complete.
/// </summary>
public sealed class Archiver(Repository.Repository repo, TimeProvider clock)
{
    private readonly List<SourceError> _errors = [];
    private readonly SummaryCounters _summary = new();
    private ExcludeMatcher _excludes = new([]);
    private RepositoryWriter? _writer;
    private Channel<FileJob>? _files;

    public async Task<BackupResult> BackupAsync(BackupOptions options, BackupProgress progress, CancellationToken ct)
    {
        var start = clock.GetLocalNow();
        _excludes = new ExcludeMatcher(options.Excludes);
        var resolved = ResolveTargets(options.Paths);
        var targets = resolved.Select(t => t.FullPath).ToList();
        var paths = targets.Select(t => Encoding.UTF8.GetString(t)).Order(StringComparer.Ordinal).ToList();
        var hostname = options.Hostname ?? Posix.GetHostName();
        var parent = options.UseParent ? await FindParentAsync(hostname, paths, ct).ConfigureAwait(false) : null;
        var parentRoot = parent is null ? null : await TryLoadPreviousAsync(parent.Snapshot.Tree, ct).ConfigureAwait(false);

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var token = cts.Token;
        await using var writer = new RepositoryWriter(repo);
        _writer = writer;
        // Declared together: who writes, who reads.
        // files: the walker writes, the file workers read.
        _files = Channel.CreateBounded<FileJob>(new BoundedChannelOptions(256) { SingleWriter = true });
        // chunks: the file workers write, the blob workers read.
        var chunks = Channel.CreateBounded<ChunkJob>(new BoundedChannelOptions(4) { SingleReader = false });
        // Chunk buffers: one being filled per file worker, one being encoded per blob worker, one queued.
        var buffers = new ChunkBufferPool(options.FileWorkers + options.BlobWorkers + 1);

        Exception? firstFailure = null;
        async Task Guard(Func<Task> body)
        {
            try { await body().ConfigureAwait(false); }
            catch (Exception e)
            {
                if (e is not OperationCanceledException) Interlocked.CompareExchange(ref firstFailure, e, null);
                await cts.CancelAsync().ConfigureAwait(false);
                throw;
            }
        }

        var scanner = Task.Run(() => Scan(targets, progress, token), token);
        var fileWorkers = Enumerable.Range(0, options.FileWorkers)
            .Select(_ => Task.Run(() => Guard(() => new FileSaver(writer, repo.Polynomial, buffers, chunks.Writer, progress, AddError).RunAsync(_files.Reader, token)), token))
            .ToArray();
        var blobWorkers = Enumerable.Range(0, options.BlobWorkers)
            .Select(_ => Task.Run(() => Guard(() => new BlobSaver(repo, writer, buffers).RunAsync(chunks.Reader, token)), token))
            .ToArray();

        Node root;
        try
        {
            Task<Node?> rootTask;
            try { rootTask = await WalkRootAsync(resolved, parentRoot, token).ConfigureAwait(false); }
            finally { _files.Writer.TryComplete(); }
            try { await Task.WhenAll(fileWorkers).ConfigureAwait(false); }
            finally { chunks.Writer.TryComplete(); }
            await Task.WhenAll(blobWorkers).ConfigureAwait(false);
            root = await rootTask.ConfigureAwait(false) ?? throw new CoffreException("nothing could be read from the given paths");
            await writer.FlushAsync(token).ConfigureAwait(false);
        }
        catch (Exception) when (firstFailure is not null && !ct.IsCancellationRequested)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(firstFailure);
            throw;
        }
        finally
        {
            _files.Writer.TryComplete();
            chunks.Writer.TryComplete();
            await cts.CancelAsync().ConfigureAwait(false);
            try { await Task.WhenAll(fileWorkers.Concat(blobWorkers).Append(scanner)).ConfigureAwait(false); }
            catch (Exception) { /* already reported above */ }
        }

        var end = clock.GetLocalNow();
        var summary = _summary.ToSummary(GoTime.FromDateTimeOffset(start), GoTime.FromDateTimeOffset(end), writer, progress);
        var snapshot = new Snapshot
        {
            Time = GoTime.FromDateTimeOffset(start),
            Parent = parent?.Id,
            Tree = root.Subtree!.Value,
            Paths = paths,
            Hostname = hostname,
            Username = Environment.UserName,
            Uid = Posix.EffectiveUserId,
            Gid = Posix.EffectiveGroupId,
            Excludes = options.Excludes.Count > 0 ? [.. options.Excludes] : null,
            Tags = options.Tags.Count > 0 ? [.. options.Tags] : null,
            ProgramVersion = ProgramInfo.Version,
            Summary = summary,
        };
        var id = await repo.SaveJsonAsync(FileType.Snapshot, SnapshotJson.Serialize(snapshot), ct).ConfigureAwait(false);
        return new BackupResult(id, snapshot, summary, [.. _errors], parent?.Id);
    }

    private void AddError(SourceError e)
    {
        lock (_errors) _errors.Add(e);
    }

    /// <summary>
    /// Where each target is read from, and where it goes in the snapshot's tree. As in restic, an absolute
    /// path keeps all its elements (<c>/srv/app/media</c> → srv/app/media) and a relative one keeps its own
    /// (<c>media</c> → media; <c>../x/media</c> → x/media), while the snapshot records absolute paths.
    /// </summary>
    private static List<Target> ResolveTargets(IReadOnlyList<string> paths)
    {
        if (paths.Count == 0) throw new CoffreException("nothing to back up: give at least one path");
        var list = new List<Target>();
        foreach (var p in paths)
        {
            var full = UnixPath.GetFullPath(p);
            if (!Posix.Exists(full)) throw new CoffreException($"{p} does not exist: check the path to back up");
            if (list.Any(x => x.FullPath.AsSpan().SequenceEqual(full))) continue;
            var fullElements = UnixPath.Split(full);
            var kept = p.StartsWith('/') ? fullElements.Count : UnixPath.Split(UnixPath.GetFullPath("/" + p)).Count;
            list.Add(new Target(full, fullElements, fullElements.Count - kept));
        }
        return list;
    }

    /// <summary>A target: its absolute path, its elements, and how many leading elements the tree leaves out.</summary>
    private sealed record Target(byte[] FullPath, List<byte[]> Elements, int Skipped);

    private async Task<SnapshotEntry?> FindParentAsync(string hostname, List<string> paths, CancellationToken ct)
    {
        var all = await repo.LoadSnapshotsAsync(ct).ConfigureAwait(false);
        return all.LastOrDefault(s => s.Snapshot.Hostname == hostname && s.Snapshot.Paths.Order(StringComparer.Ordinal).SequenceEqual(paths));
    }

    /// <summary>
    /// The root tree mirrors the targets as absolute paths: <c>/a/b/c</c> gives root -> a -> b -> c, the
    /// intermediate folders carrying their real metadata and only the children that lead to a target.
    /// </summary>
    private async Task<Task<Node?>> WalkRootAsync(List<Target> targets, List<Node>? parentRoot, CancellationToken ct)
    {
        var trie = new PathTrie();
        foreach (var t in targets) trie.Add(t.Elements, t.Skipped);
        var rootNode = new Node { Name = [], Type = NodeType.Dir };
        return await WalkTrieAsync(trie, rootNode, parentRoot, ct).ConfigureAwait(false);
    }

    private async Task<Task<Node?>> WalkTrieAsync(PathTrie trie, Node dirNode, List<Node>? previous, CancellationToken ct, Node? previousNode = null)
    {
        var kids = new List<Task<Node?>>();
        foreach (var (name, child) in trie.Children.OrderBy(c => c.Key, ByteNameComparer.Instance))
        {
            var childPath = child.FullPath;
            var prev = Find(previous, name);
            if (child.IsTarget)
            {
                kids.Add(await WalkAsync(childPath, name, prev, ct).ConfigureAwait(false));
                continue;
            }
            FileStatus st;
            try { st = Posix.LStat(childPath); }
            catch (PosixException e) { AddError(new SourceError(UnixPath.ToDisplay(childPath), e.Message)); continue; }
            var node = NodeFactory.FromStatus(name, st, childPath);
            var prevChildren = prev?.Subtree is { } sub ? await TryLoadPreviousAsync(sub, ct).ConfigureAwait(false) : null;
            kids.Add(await WalkTrieAsync(child, node, prevChildren, ct, prev).ConfigureAwait(false));
        }
        return FinishDirAsync(dirNode, kids, ct, previousNode);
    }

    /// <summary>
    /// A tree of the parent snapshot, or null when it cannot be read (lost index, damaged pack): the files
    /// below are then read again, which costs time but never correctness.
    /// </summary>
    private async Task<List<Node>?> TryLoadPreviousAsync(BlobId tree, CancellationToken ct)
    {
        try { return await repo.LoadTreeAsync(tree, ct).ConfigureAwait(false); }
        catch (InvalidDataException) { return null; }
    }

    private static Node? Find(List<Node>? nodes, byte[] name) =>
        nodes?.Find(n => n.Name.AsSpan().SequenceEqual(name));

    /// <summary>
    /// Walks one path. Returns once every file below it is queued; the returned task completes when its node
    /// (for a folder: with its tree stored) is ready.
    /// </summary>
    private async Task<Task<Node?>> WalkAsync(byte[] path, byte[] name, Node? previous, CancellationToken ct)
    {
        FileStatus st;
        try { st = Posix.LStat(path); }
        catch (PosixException e)
        {
            AddError(new SourceError(UnixPath.ToDisplay(path), e.Message));
            return Task.FromResult<Node?>(null);
        }
        Node node;
        try { node = NodeFactory.FromStatus(name, st, path); }
        catch (PosixException e)
        {
            AddError(new SourceError(UnixPath.ToDisplay(path), e.Message));
            return Task.FromResult<Node?>(null);
        }

        if (node.Type == NodeType.File)
        {
            if (NodeFactory.IsUnchanged(node, previous) && previous!.Content!.TrueForAll(repo.Index.Has))
            {
                node.Content = previous.Content;
                _summary.FileUnmodified();
                return Task.FromResult<Node?>(node);
            }
            _summary.FileRead(previous is null);
            var job = new FileJob(path, node, previous is null);
            await _files!.Writer.WriteAsync(job, ct).ConfigureAwait(false);
            return job.Done.Task;
        }
        // Sockets are left out, as restic does: they are recreated by the program that listens on them.
        if (node.Type == NodeType.Socket) return Task.FromResult<Node?>(null);
        if (node.Type != NodeType.Dir) return Task.FromResult<Node?>(node);

        List<byte[]> names;
        try { names = Posix.ReadDirectory(path); }
        catch (PosixException e)
        {
            AddError(new SourceError(UnixPath.ToDisplay(path), e.Message));
            return Task.FromResult<Node?>(null);
        }
        names.Sort(ByteNameComparer.Instance);
        Dictionary<byte[], Node>? prevChildren = null;
        if (previous?.Subtree is { } sub && await TryLoadPreviousAsync(sub, ct).ConfigureAwait(false) is { } prevNodes)
        {
            prevChildren = new Dictionary<byte[], Node>(ByteArrayComparer.Instance);
            foreach (var n in prevNodes) prevChildren[n.Name] = n;
        }
        var kids = new List<Task<Node?>>(names.Count);
        foreach (var childName in names)
        {
            var childPath = UnixPath.Join(path, childName);
            if (!_excludes.IsEmpty && _excludes.IsExcluded(Encoding.UTF8.GetString(childPath))) continue;
            Node? prevChild = null;
            prevChildren?.TryGetValue(childName, out prevChild);
            kids.Add(await WalkAsync(childPath, childName, prevChild, ct).ConfigureAwait(false));
        }
        return FinishDirAsync(node, kids, ct, previous);
    }

    /// <summary>Waits for a folder's children, then stores its tree blob and links it as the subtree.</summary>
    private async Task<Node?> FinishDirAsync(Node dir, List<Task<Node?>> kids, CancellationToken ct, Node? previous = null)
    {
        var children = await Task.WhenAll(kids).ConfigureAwait(false);
        var nodes = children.Where(n => n is not null).Cast<Node>().ToList();
        var json = TreeJson.Serialize(nodes);
        var id = BlobId.Hash(json);
        await _writer!.SaveBlobAsync(BlobType.Tree, id, json, compress: true, ct).ConfigureAwait(false);
        dir.Subtree = id;
        if (dir.Name.Length > 0) _summary.Dir(previous, id); // the root tree is not a folder of the source
        return dir;
    }

    /// <summary>Counts files and bytes ahead of the backup so progress can show a total and an ETA.</summary>
    private void Scan(List<byte[]> targets, BackupProgress progress, CancellationToken ct)
    {
        var stack = new Stack<byte[]>(targets);
        while (stack.Count > 0 && !ct.IsCancellationRequested)
        {
            var p = stack.Pop();
            try
            {
                var st = Posix.LStat(p);
                if (st.IsRegularFile) progress.Scanned(st.Size);
                else if (st.IsDirectory)
                    foreach (var n in Posix.ReadDirectory(p))
                    {
                        var c = UnixPath.Join(p, n);
                        if (_excludes.IsEmpty || !_excludes.IsExcluded(Encoding.UTF8.GetString(c))) stack.Push(c);
                    }
            }
            catch (PosixException) { }
        }
        progress.ScanDone();
    }
}
