using Coffre.Model;
using Coffre.Repository;

namespace Coffre.Maintenance.Prune;

/// <summary>The mark half of prune: every blob some snapshot needs, found by walking all their trees.</summary>
public static class UsedBlobs
{
    /// <summary>
    /// Walks every snapshot's trees (each tree once) and collects the trees and the data blobs of their files.
    /// A tree that cannot be read stops the prune: what it references is unknown, so nothing may be deleted.
    /// </summary>
    public static async Task<HashSet<BlobHandle>> FindAsync(Repository.Repository repo, IReadOnlyList<SnapshotEntry> snapshots, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(repo);
        ArgumentNullException.ThrowIfNull(snapshots);
        var used = new HashSet<BlobHandle>();
        foreach (var s in snapshots)
        {
            var stack = new Stack<BlobId>();
            stack.Push(s.Snapshot.Tree);
            while (stack.Count > 0)
            {
                var tree = stack.Pop();
                if (!used.Add(new BlobHandle(tree, BlobType.Tree))) continue;
                List<Node> nodes;
                try { nodes = await repo.LoadTreeAsync(tree, ct).ConfigureAwait(false); }
                catch (Exception e) when (e is InvalidDataException or System.Text.Json.JsonException or FormatException or Storage.StorageNotFoundException)
                {
                    throw new CoffreException($"snapshot {s.Id.ToShortString()}: tree {tree.ToShortString()} cannot be read ({e.Message}); "
                        + "prune stops so that no data is lost: run 'coffre check --read-data'");
                }
                foreach (var n in nodes)
                {
                    if (n.Type == NodeType.Dir)
                    {
                        if (n.Subtree is { } sub) stack.Push(sub);
                        else throw new CoffreException($"snapshot {s.Id.ToShortString()}: folder {n.DisplayName} in tree {tree.ToShortString()} has no subtree; prune stops: run 'coffre check'");
                    }
                    else if (n.Content is { } content)
                        foreach (var id in content) used.Add(new BlobHandle(id, BlobType.Data));
                }
            }
        }
        return used;
    }
}
