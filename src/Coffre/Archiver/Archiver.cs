using System.Text;
using Coffre.Model;
using Coffre.Platform;
using Coffre.Repository;

namespace Coffre.Archiver;

/// <summary>
/// Backs up files and folders given as paths into one snapshot, laid out as restic lays them out (see
/// <see cref="ResolveTargets"/>), through the <see cref="BackupPipeline"/>. The snapshot is written last, after
/// every pack and index is durable, so an interrupted backup never leaves a snapshot that looks complete.
/// </summary>
public sealed class Archiver(Repository.Repository repo, TimeProvider clock)
{
    public async Task<BackupResult> BackupAsync(BackupOptions options, BackupProgress progress, CancellationToken ct)
    {
        var start = clock.GetLocalNow();
        var excludes = new ExcludeMatcher(options.Excludes);
        var resolved = ResolveTargets(options.Paths);
        var paths = resolved.Select(t => Encoding.UTF8.GetString(t.FullPath)).Order(StringComparer.Ordinal).ToList();
        var hostname = options.Hostname ?? Posix.GetHostName();
        var parent = options.UseParent ? await FindParentAsync(hostname, paths, ct).ConfigureAwait(false) : null;
        if (options.CheckFreeSpace) await BackupSpaceCheck.EnsureRoomAsync(repo, [.. resolved.Select(t => t.FullPath)], excludes, parent?.Snapshot.Time.ToDateTimeOffset(), progress.Note, ct).ConfigureAwait(false);

        await using var pipeline = new BackupPipeline(repo, progress, options.FileWorkers, options.BlobWorkers, ct);
        var parentRoot = parent is null ? null : await pipeline.TryLoadTreeAsync(parent.Snapshot.Tree).ConfigureAwait(false);
        var scanner = Task.Run(() => FolderWalker.Scan(resolved.Select(t => t.FullPath), excludes, progress, pipeline.Token), pipeline.Token);
        Node root;
        try
        {
            var walker = new FolderWalker(pipeline, excludes);
            var trie = new PathTrie();
            foreach (var t in resolved) trie.Add(t.Elements, t.Skipped);
            var rootTask = await WalkTrieAsync(pipeline, walker, trie, new Node { Name = [], Type = NodeType.Dir }, parentRoot, null).ConfigureAwait(false);
            root = await pipeline.CompleteAsync(rootTask, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            pipeline.ThrowIfFailed();
            throw;
        }
        finally
        {
            try { await scanner.ConfigureAwait(false); } catch (OperationCanceledException) { }
        }
        return await SnapshotRecorder.SaveAsync(pipeline, root, start, clock.GetLocalNow(), paths, hostname, options.Tags, options.Excludes, parent, null, ct).ConfigureAwait(false);
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
    /// The folders between the root and the targets carry their real metadata and only the children that lead
    /// to a target; the targets themselves are walked whole.
    /// </summary>
    private static async Task<Task<Node?>> WalkTrieAsync(BackupPipeline pipeline, FolderWalker walker, PathTrie trie, Node dirNode, List<Node>? previous, Node? previousNode)
    {
        var kids = new List<Task<Node?>>();
        foreach (var (name, child) in trie.Children.OrderBy(c => c.Key, ByteNameComparer.Instance))
        {
            var prev = previous?.Find(n => n.Name.AsSpan().SequenceEqual(name));
            if (child.IsTarget)
            {
                kids.Add(await walker.WalkAsync(child.FullPath, name, prev).ConfigureAwait(false));
                continue;
            }
            Node node;
            try { node = NodeFactory.FromStatus(name, Posix.LStat(child.FullPath), child.FullPath); }
            catch (PosixException e)
            {
                pipeline.AddError(new SourceError(UnixPath.ToDisplay(child.FullPath), e.Message));
                continue;
            }
            var prevChildren = prev?.Subtree is { } sub ? await pipeline.TryLoadTreeAsync(sub).ConfigureAwait(false) : null;
            kids.Add(await WalkTrieAsync(pipeline, walker, child, node, prevChildren, prev).ConfigureAwait(false));
        }
        return pipeline.FinishDirAsync(dirNode, kids, previousNode);
    }
}
