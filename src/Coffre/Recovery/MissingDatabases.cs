using System.Text;
using Coffre.Configuration;
using Coffre.Application;
using Coffre.Jobs;
using Coffre.Application.Restore;
using Coffre.Model;
using Coffre.Repository;
using Coffre.Restore;
using Coffre.Sources;

namespace Coffre.Recovery;

/// <summary>
/// Before an in-place restore is planned (planning asks each database whether it exists, which needs its user), each
/// configured database of the backup whose user or database is missing on the server gets them back
/// (<see cref="IRecreatableDatabase"/>: from the roles or grants saved beside its dump, by <c>databases[].admin</c>).
/// A new machine's files (SQLite, media) need nothing here: the restore creates their folders.
/// </summary>
public static class MissingDatabases
{
    /// <summary>The saved roles or grants of one database are small; more than this is not Coffre's.</summary>
    private const int MaxSavedFile = 16 << 20;

    /// <summary>
    /// One line per thing created (<c>database main: role app created ...</c>; empty when nothing was missing), and the
    /// names of the databases created empty (nothing in them for a safety snapshot to keep).
    /// </summary>
    public static async Task<(IReadOnlyList<string> Lines, IReadOnlySet<string> CreatedDatabases)> RecreateAsync(Repository.Repository repo, CoffreConfig config, string appTag, RestoreRequest request,
        IDictionary<string, string?>? environment, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(request);
        var done = new List<string>();
        var created = new HashSet<string>(StringComparer.Ordinal);
        if (request.Target is not null || request.ToDatabase is not null) return (done, created);
        if (request.Parts == RestoreParts.Media) return (done, created);
        var wanted = config.Databases.Where(d => request.Database is null || d.Name == request.Database).ToList();
        if (wanted.Count == 0) return (done, created);
        var entry = await SnapshotResolver.ResolveAsync(repo, appTag, request.Snapshot, ct).ConfigureAwait(false);
        var folder = await TreePaths.FindAsync(repo, entry.Snapshot.Tree, "/database", ct).ConfigureAwait(false);
        if (folder?.Subtree is not { } tree) return (done, created);
        var files = await repo.LoadTreeAsync(tree, ct).ConfigureAwait(false);

        foreach (var db in wanted)
        {
            var engine = DatabaseEngines.Find(db.Engine);
            if (engine is null || !files.Any(n => Encoding.UTF8.GetString(n.Name) == $"{db.Name}.{engine.Extension}")) continue;
            if (SourceFactory.Create(db, null, environment) is not IRecreatableDatabase recreatable) continue;
            var saved = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            foreach (var suffix in engine.ExtraFileSuffixes)
            {
                var name = $"{db.Name}.{suffix}";
                if (files.Find(n => n.Type == NodeType.File && Encoding.UTF8.GetString(n.Name) == name) is { } node)
                    saved[name] = await ReadAsync(repo, node, "/database/" + name, ct).ConfigureAwait(false);
            }
            DatabaseAdmin? admin = null;
            if (db.Admin is { User: { Length: > 0 } user } section)
                admin = new DatabaseAdmin(user, PasswordSource.Resolve(section, db.Name!, environment) is { } pw ? Encoding.UTF8.GetString(pw) : null);
            var result = await recreatable.RecreateMissingAsync(admin, saved, ct).ConfigureAwait(false);
            done.AddRange(result.Lines.Select(line => $"database {db.Name}: {line}"));
            if (result.DatabaseCreated) created.Add(db.Name!);
        }
        return (done, created);
    }

    private static async Task<byte[]> ReadAsync(Repository.Repository repo, Node node, string path, CancellationToken ct)
    {
        if (node.Size > MaxSavedFile) throw new CoffreException($"{path} in the backup is larger than {MaxSavedFile >> 20} MiB: not Coffre's (damaged or forged)");
        await using var content = new NodeContentStream(repo, node, path);
        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, ct).ConfigureAwait(false);
        if (buffer.Length > MaxSavedFile) throw new CoffreException($"{path} in the backup is larger than {MaxSavedFile >> 20} MiB: not Coffre's (damaged or forged)");
        return buffer.ToArray();
    }
}
