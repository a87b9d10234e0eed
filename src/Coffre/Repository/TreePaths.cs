using System.Text;
using Coffre.Model;

namespace Coffre.Repository;

/// <summary>Finds nodes by their path inside a snapshot (e.g. <c>database/main.pgdump</c>, <c>media/uploads</c>).</summary>
public static class TreePaths
{
    /// <summary>The node at <paramref name="path"/> under the root tree, or null when there is none. "" or "/" is the root itself.</summary>
    public static async Task<Node?> FindAsync(RepositoryReader repo, BlobId root, string path, CancellationToken ct)
    {
        var parts = Split(path);
        var node = new Node { Name = [], Type = NodeType.Dir, Subtree = root };
        var walked = "";
        foreach (var part in parts)
        {
            if (node.Subtree is not { } sub) return null;
            var name = Encoding.UTF8.GetBytes(part);
            var nodes = await repo.LoadTreeAsync(sub, walked.Length == 0 ? "/" : walked, ct).ConfigureAwait(false);
            walked += "/" + part;
            node = nodes.Find(n => n.Name.AsSpan().SequenceEqual(name));
            if (node is null) return null;
        }
        return node;
    }

    /// <summary>The elements of a snapshot path; "." and ".." are refused.</summary>
    public static string[] Split(string path)
    {
        var parts = path.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Any(p => p is "." or "..")) throw new CoffreException($"invalid path in a snapshot: {path}");
        return parts;
    }

    /// <summary>The path in its canonical form: leading slash, no trailing slash ("/" for the root).</summary>
    public static string Normalize(string path) => "/" + string.Join('/', Split(path));
}
