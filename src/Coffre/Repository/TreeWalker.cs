using System.Runtime.CompilerServices;
using Coffre.Model;

namespace Coffre.Repository;

/// <summary>Walks a snapshot's trees depth-first, yielding each node with its path inside the snapshot.</summary>
public static class TreeWalker
{
    /// <summary>Each node, then (for a folder) everything below it, in name order: the order restic's ls prints.</summary>
    public static async IAsyncEnumerable<(string Path, Node Node)> WalkAsync(Repository repo, BlobId root, [EnumeratorCancellation] CancellationToken ct)
    {
        var stack = new Stack<(List<Node> Nodes, int Next, string Dir)>();
        stack.Push((await repo.LoadTreeAsync(root, ct).ConfigureAwait(false), 0, ""));
        while (stack.Count > 0)
        {
            var (nodes, next, dir) = stack.Pop();
            if (next >= nodes.Count) continue;
            stack.Push((nodes, next + 1, dir));
            var n = nodes[next];
            var path = dir + "/" + n.DisplayName;
            yield return (path, n);
            if (n is { Type: NodeType.Dir, Subtree: { } sub })
                stack.Push((await repo.LoadTreeAsync(sub, ct).ConfigureAwait(false), 0, path));
        }
    }
}
