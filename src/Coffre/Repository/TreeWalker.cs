using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Coffre.Model;

namespace Coffre.Repository;

/// <summary>Walks a snapshot's trees depth-first, yielding each node with its path inside the snapshot.</summary>
public static class TreeWalker
{
    /// <summary>
    /// Each node, then (for a folder) everything below it, in name order: the order restic's ls prints. A hostile tree
    /// (invalid or duplicate name, nesting deeper than <see cref="NodeName.MaxTreeDepth"/>) throws
    /// <see cref="InvalidTreeException"/> naming its path. Memory stays linear in the depth: one listing per level
    /// and one path buffer, not one path string per level.
    /// </summary>
    public static async IAsyncEnumerable<(string Path, Node Node)> WalkAsync(RepositoryReader repo, BlobId root, [EnumeratorCancellation] CancellationToken ct)
    {
        var path = new StringBuilder();
        var stack = new Stack<(List<Node> Nodes, int Next, int PathLength)>();
        stack.Push((await repo.LoadTreeAsync(root, "/", ct).ConfigureAwait(false), 0, 0));
        while (stack.Count > 0)
        {
            var (nodes, next, length) = stack.Pop();
            if (next >= nodes.Count) continue;
            stack.Push((nodes, next + 1, length));
            var n = nodes[next];
            path.Length = length;
            path.Append('/').Append(n.DisplayName);
            var p = path.ToString();
            yield return (p, n);
            if (n is { Type: NodeType.Dir, Subtree: { } sub })
            {
                if (stack.Count >= NodeName.MaxTreeDepth) throw TooDeep(p);
                stack.Push((await repo.LoadTreeAsync(sub, p, ct).ConfigureAwait(false), 0, path.Length));
            }
        }
    }

    /// <summary>The error for a folder below <paramref name="path"/> that is deeper than <see cref="NodeName.MaxTreeDepth"/>.</summary>
    public static InvalidTreeException TooDeep(string path) =>
        new InvalidTreeException(string.Create(CultureInfo.InvariantCulture,
            $"folders are nested deeper than {NodeName.MaxTreeDepth} levels (no Linux path can be that deep)")).AtPath(path);
}
