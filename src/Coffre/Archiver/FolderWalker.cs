using System.Text;
using Coffre.Model;
using Coffre.Platform;

namespace Coffre.Archiver;

/// <summary>
/// Walks a real folder (raw byte names, lstat) into the pipeline: files whose size, mtime, ctime and inode match
/// the parent snapshot's node reuse its content; others are queued for reading; folders become trees.
/// </summary>
internal sealed class FolderWalker(BackupPipeline pipeline, ExcludeMatcher excludes)
{
    /// <summary>
    /// Walks one path. Returns once every file below it is queued; the returned task completes when its node
    /// (for a folder: with its tree stored) is ready. <paramref name="name"/> is the node's name in the snapshot.
    /// </summary>
    public async Task<Task<Node?>> WalkAsync(byte[] path, byte[] name, Node? previous)
    {
        FileStatus st;
        Node node;
        try
        {
            st = Posix.LStat(path);
            node = NodeFactory.FromStatus(name, st, path);
        }
        catch (PosixException e)
        {
            pipeline.AddError(new SourceError(UnixPath.ToDisplay(path), e.Message));
            return Task.FromResult<Node?>(null);
        }

        if (node.Type == NodeType.File)
        {
            if (NodeFactory.IsUnchanged(node, previous) && previous!.Content!.TrueForAll(pipeline.Repo.Index.Has))
            {
                node.Content = previous.Content;
                pipeline.Summary.FileUnmodified(node.Size);
                return Task.FromResult<Node?>(node);
            }
            pipeline.Summary.FileRead(previous is null);
            return await pipeline.QueueFileAsync(new FileJob(path, node, previous is null)).ConfigureAwait(false);
        }
        // Sockets are left out, as restic does: they are recreated by the program that listens on them.
        if (node.Type == NodeType.Socket) return Task.FromResult<Node?>(null);
        if (node.Type != NodeType.Dir) return Task.FromResult<Node?>(node);

        List<byte[]> names;
        try { names = Posix.ReadDirectory(path); }
        catch (PosixException e)
        {
            pipeline.AddError(new SourceError(UnixPath.ToDisplay(path), e.Message));
            return Task.FromResult<Node?>(null);
        }
        names.Sort(ByteNameComparer.Instance);
        Dictionary<byte[], Node>? prevChildren = null;
        if (previous?.Subtree is { } sub && await pipeline.TryLoadTreeAsync(sub).ConfigureAwait(false) is { } prevNodes)
        {
            prevChildren = new Dictionary<byte[], Node>(ByteArrayComparer.Instance);
            foreach (var n in prevNodes) prevChildren[n.Name] = n;
        }
        var kids = new List<Task<Node?>>(names.Count);
        foreach (var childName in names)
        {
            var childPath = UnixPath.Join(path, childName);
            if (!excludes.IsEmpty && excludes.IsExcluded(Encoding.UTF8.GetString(childPath))) continue;
            Node? prevChild = null;
            prevChildren?.TryGetValue(childName, out prevChild);
            kids.Add(await WalkAsync(childPath, childName, prevChild).ConfigureAwait(false));
        }
        return pipeline.FinishDirAsync(node, kids, previous);
    }

    /// <summary>Counts files and bytes ahead of the backup so progress can show a total and an ETA.</summary>
    public static void Scan(IEnumerable<byte[]> targets, ExcludeMatcher excludes, BackupProgress progress, CancellationToken ct)
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
                        if (excludes.IsEmpty || !excludes.IsExcluded(Encoding.UTF8.GetString(c))) stack.Push(c);
                    }
            }
            catch (PosixException) { }
        }
        progress.ScanDone();
    }
}
