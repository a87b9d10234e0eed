using System.Text;
using Coffre.Model;
using Coffre.Repository;

namespace Coffre.Jobs;

public sealed partial class BackupManager
{
    /// <summary>
    /// One folder of a backup (a dashboard's file browser): <paramref name="path"/> is <c>/</c>, <c>/media</c>,
    /// <c>/media/uploads/2026</c>... Throws <see cref="CoffreException"/> when the snapshot or the folder does not exist.
    /// </summary>
    public async Task<SnapshotFolder> BrowseAsync(string snapshot, string path, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(path);
        var repo = await OpenReaderAsync(null, ct).ConfigureAwait(false);
        var entry = await repo.FindSnapshotAsync(snapshot, ct).ConfigureAwait(false);
        return await BrowseAsync(repo, entry, path, ct).ConfigureAwait(false);
    }

    /// <summary>The walk of <see cref="BrowseAsync(string, string, CancellationToken)"/> in an open repository: a hostile
    /// tree throws <see cref="InvalidTreeException"/> naming the snapshot and the folder.</summary>
    internal static async Task<SnapshotFolder> BrowseAsync(RepositoryReader repo, SnapshotEntry entry, string path, CancellationToken ct)
    {
        try { return await WalkToAsync(repo, entry, path, ct).ConfigureAwait(false); }
        catch (InvalidTreeException e) { throw e.InSnapshot(entry.Id); }
    }

    private static async Task<SnapshotFolder> WalkToAsync(RepositoryReader repo, SnapshotEntry entry, string path, CancellationToken ct)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length > NodeName.MaxTreeDepth) throw TreeWalker.TooDeep(path);
        var tree = entry.Snapshot.Tree;
        var walked = "";
        foreach (var segment in segments)
        {
            if (segment is "." or "..") throw new CoffreException($"{path}: give a folder path without . or ..");
            var nodes = await repo.LoadTreeAsync(tree, walked.Length == 0 ? "/" : walked, ct).ConfigureAwait(false);
            var raw = Encoding.UTF8.GetBytes(segment);
            var node = nodes.Find(n => n.Name.AsSpan().SequenceEqual(raw) || n.DisplayName == segment);
            walked += "/" + segment;
            tree = node switch
            {
                { Type: NodeType.Dir, Subtree: { } sub } => sub,
                null => throw new CoffreException($"{walked} is not in backup {entry.Id.ToShortString()}"),
                _ => throw new CoffreException($"{walked} is a file, not a folder, in backup {entry.Id.ToShortString()}"),
            };
        }
        var children = await repo.LoadTreeAsync(tree, walked.Length == 0 ? "/" : walked, ct).ConfigureAwait(false);
        return new SnapshotFolder(entry, walked.Length == 0 ? "/" : walked,
            [.. children.OrderBy(n => n.Type != NodeType.Dir).ThenBy(n => n.DisplayName, StringComparer.Ordinal)]);
    }
}

/// <summary>A folder of a backup and what it holds (folders first, then by name).</summary>
public sealed record SnapshotFolder(SnapshotEntry Snapshot, string Path, IReadOnlyList<Node> Entries);
