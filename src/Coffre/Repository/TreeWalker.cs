using System.Runtime.CompilerServices;
using Coffre.Model;

namespace Coffre.Repository;

/// <summary>Walks a snapshot's trees depth-first, yielding each node with its path inside the snapshot.</summary>
public static class TreeWalker
{
    public static async IAsyncEnumerable<(string Path, Node Node)> WalkAsync(Repository repo, BlobId root, [EnumeratorCancellation] CancellationToken ct)
    {
        var stack = new Stack<(BlobId, string)>();
        stack.Push((root, ""));
        while (stack.Count > 0)
        {
            var (tree, dir) = stack.Pop();
            var nodes = await repo.LoadTreeAsync(tree, ct).ConfigureAwait(false);
            // Push subtrees in reverse so that folders come out in name order.
            var subdirs = new List<(BlobId, string)>();
            foreach (var n in nodes)
            {
                var path = dir + "/" + n.DisplayName;
                yield return (path, n);
                if (n is { Type: NodeType.Dir, Subtree: { } sub }) subdirs.Add((sub, path));
            }
            for (var i = subdirs.Count - 1; i >= 0; i--) stack.Push(subdirs[i]);
        }
    }
}
