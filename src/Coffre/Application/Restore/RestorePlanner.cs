using System.Text;
using Coffre.Archiver;
using Coffre.Configuration;
using Coffre.Model;
using Coffre.Platform;
using Coffre.Repository;
using Coffre.Restore;
using Coffre.Sources;
using Coffre.Application;
using Coffre.Jobs;

namespace Coffre.Application.Restore;

/// <summary>
/// Turns a <see cref="RestoreRequest"/> into a <see cref="RestorePlan"/>: finds the backup, matches its databases
/// and media folders with the configuration, decides where each goes, and compares each media folder with what
/// is on disk. Reads only: nothing is written, so a refused plan leaves everything as it was.
/// </summary>
public sealed class RestorePlanner(CoffreConfig config, IDictionary<string, string?>? environment)
{
    private const string DatabaseDir = "/database";
    private const string MediaDir = "/media";

    public async Task<RestorePlan> PlanAsync(Repository.RepositoryReader repo, string appTag, RestoreRequest request, CancellationToken ct)
    {
        Validate(request);
        var entry = await SnapshotResolver.ResolveAsync(repo, appTag, request.Snapshot, ct).ConfigureAwait(false);
        ApplicationMetadata? metadata = null;
        try { metadata = await ApplicationMetadata.ReadAsync(repo, entry.Snapshot.Tree, ct).ConfigureAwait(false); }
        catch (Exception e) when (e is InvalidDataException or System.Text.Json.JsonException) { }

        var includes = new IncludeFilter(request.Includes);
        var warnings = new List<string>();
        if (metadata is null) warnings.Add($"backup {entry.Id.ToShortString()} has no readable metadata.json: row counts cannot be verified");
        else if (metadata.Status != "complete") warnings.Add($"backup {entry.Id.ToShortString()} is marked {metadata.Status}");

        var databases = request.Parts == RestoreParts.Media ? [] : await PlanDatabasesAsync(repo, entry, metadata, request, includes, warnings, ct).ConfigureAwait(false);
        // --database and --to-database name a database: the restore is that database only, never the media.
        var databaseOnly = request.Parts == RestoreParts.Databases || request.Database is not null || request.ToDatabase is not null;
        var media = databaseOnly ? [] : await PlanMediaAsync(repo, entry, request, includes, warnings, ct).ConfigureAwait(false);
        if (request.ToDatabase is not null && databases.Count != 1)
            throw new CoffreException(databases.Count == 0
                ? "--to-database: the selection holds no database to restore"
                : $"--to-database restores one database, and {databases.Count} are selected: choose one with --database NAME");
        return new RestorePlan(entry, metadata, databases, media, warnings);
    }

    private static void Validate(RestoreRequest request)
    {
        foreach (var inc in request.Includes)
        {
            var p = IncludeFilter.Normalize(TreePaths.Normalize(inc));
            if (p != "/" && p != DatabaseDir && p != MediaDir && !p.StartsWith(DatabaseDir + "/", StringComparison.Ordinal) && !p.StartsWith(MediaDir + "/", StringComparison.Ordinal))
                throw new CoffreException($"--include {inc}: an application backup holds database/... and media/...; name a path under one of them");
        }
        if (request.ToDatabase is not null && request.Parts == RestoreParts.Media)
            throw new CoffreException("--to-database and --only media do not go together: --to-database names where a database goes");
    }

    private async Task<List<DatabaseRestorePlan>> PlanDatabasesAsync(Repository.RepositoryReader repo, SnapshotEntry entry, ApplicationMetadata? metadata,
        RestoreRequest request, IncludeFilter includes, List<string> warnings, CancellationToken ct)
    {
        var plans = new List<DatabaseRestorePlan>();
        var dir = await TreePaths.FindAsync(repo, entry.Snapshot.Tree, DatabaseDir, ct).ConfigureAwait(false);
        if (dir?.Subtree is not { } sub) return plans;
        var files = await repo.LoadTreeAsync(sub, ct).ConfigureAwait(false);
        foreach (var (name, file, engine) in Dumps(files, metadata))
        {
            if (request.Database is not null && name != request.Database) continue;
            var dumpPath = DatabaseDir + "/" + file;
            if (!includes.Selects(dumpPath).Whole) continue;
            CheckName(name, file, entry);
            var node = files.Find(n => n.Type == NodeType.File && Encoding.UTF8.GetString(n.Name) == file)
                ?? throw new CoffreException($"backup {entry.Id.ToShortString()}: metadata.json names {file} for database {name}, which the backup does not hold; restore the dump files with --target DIR");
            var meta = metadata?.Databases.Find(d => d.Name == name);
            var extras = files.Select(n => Encoding.UTF8.GetString(n.Name)).Where(n => n.StartsWith(name + ".", StringComparison.Ordinal) && n != file).ToList();
            var configured = config.Databases.Find(d => d.Name == name);
            if (configured is not null && configured.Engine != engine)
                throw new CoffreException($"database {name}: the backup holds a {engine} dump but the configuration says {configured.Engine}");
            var plan = await PlanDatabaseAsync(name, engine, dumpPath, node, meta, configured, request, extras, warnings, ct).ConfigureAwait(false);
            if (plan is not null) plans.Add(plan);
        }
        if (request.Database is not null && plans.Count == 0)
            throw new CoffreException($"backup {entry.Id.ToShortString()} holds no database named {request.Database} (see 'coffre list')");
        return plans;
    }

    /// <summary>The dumps of the backup: from metadata.json, or guessed from the files' extensions when it is missing.</summary>
    private static IEnumerable<(string Name, string File, string Engine)> Dumps(List<Node> files, ApplicationMetadata? metadata)
    {
        if (metadata is not null)
        {
            foreach (var d in metadata.Databases)
                yield return (d.Name, d.File.StartsWith("database/", StringComparison.Ordinal) ? d.File["database/".Length..] : d.File, d.Engine);
            yield break;
        }
        foreach (var n in files.Where(n => n.Type == NodeType.File).Select(n => Encoding.UTF8.GetString(n.Name)))
        {
            if (DatabaseEngines.IsExtraFile(n)) continue;
            var extension = Path.GetExtension(n);
            if (extension.Length > 1 && DatabaseEngines.ForExtension(extension[1..]) is { } engine)
                yield return (Path.GetFileNameWithoutExtension(n), n, engine.Name);
        }
    }

    /// <summary>
    /// A database's name and dump file come from the backup (metadata.json, a tree): data, never paths. Each must be
    /// one file name, so that the files named after them (the dump, NAME.EXT of a file-based engine) stay in the folder they go to.
    /// </summary>
    private static void CheckName(string name, string file, SnapshotEntry entry)
    {
        foreach (var part in DatabaseEngines.All.Where(e => e.IsFileBased).Select(e => name + "." + e.Extension).Prepend(file).Prepend(name))
            if (!NodeName.IsValid(Encoding.UTF8.GetBytes(part)))
                throw new CoffreException($"backup {entry.Id.ToShortString()} names a database \"{name}\" (file \"{file}\") that is not a plain file name; the backup is damaged or forged, nothing was restored");
    }

    /// <summary><paramref name="name"/> inside <paramref name="folder"/>, checked to stay there.</summary>
    private static string Inside(string folder, string name)
    {
        var path = Path.GetFullPath(Path.Combine(folder, name));
        if (!NodeName.IsValid(Encoding.UTF8.GetBytes(name)) || Path.GetDirectoryName(path) != Path.GetFullPath(folder).TrimEnd('/'))
            throw new CoffreException($"\"{name}\" from the backup is not a plain file name; the backup is damaged or forged, nothing was restored");
        return path;
    }

    private async Task<DatabaseRestorePlan?> PlanDatabaseAsync(string name, string engine, string dumpPath, Node node, DatabaseMetadata? meta,
        DatabaseSection? configured, RestoreRequest request, List<string> extras, List<string> warnings, CancellationToken ct)
    {
        var kind = DatabaseEngines.Find(engine);
        if (request.ToDatabase is { } other)
        {
            if (configured is null && kind?.IsFileBased != true)
                throw new CoffreException($"database {name} is not in the configuration, so Coffre does not know its server: add it, or restore its dump with --target DIR");
            var section = Retarget(configured ?? new DatabaseSection { Name = name, Engine = engine }, DatabaseEngines.Require(engine, name), other);
            var source = SourceFactory.Create(section, null, environment);
            if (await source.ExistsAsync(ct).ConfigureAwait(false))
                throw new CoffreException($"--to-database {other}: it exists already; choose a new name (it is created), or drop it first");
            return new DatabaseRestorePlan(name, section, dumpPath, node, meta, DatabaseRestoreKind.OtherDatabase, Describe(section), false, extras);
        }
        if (request.Target is { } target)
        {
            var folder = Path.Combine(Path.GetFullPath(target), "database");
            if (kind?.IsFileBased == true)
            {
                var section = Retarget(configured ?? new DatabaseSection { Name = name, Engine = engine }, kind, Inside(folder, name + "." + kind.Extension));
                if (File.Exists(section.Path)) throw new CoffreException($"{section.Path} exists already: choose an empty --target folder");
                return new DatabaseRestorePlan(name, section, dumpPath, node, meta, DatabaseRestoreKind.OtherDatabase, section.Path!, false, extras);
            }
            var file = Inside(folder, dumpPath[(DatabaseDir.Length + 1)..]);
            if (File.Exists(file)) throw new CoffreException($"{file} exists already: choose an empty --target folder");
            return new DatabaseRestorePlan(name, configured ?? new DatabaseSection { Name = name, Engine = engine }, dumpPath, node, meta, DatabaseRestoreKind.DumpFile, file, false, extras);
        }
        if (configured is null)
        {
            warnings.Add($"database {name} of the backup is not in the configuration: not restored (restore its dump with --target DIR)");
            return null;
        }
        var exists = await SourceFactory.Create(configured, null, environment).ExistsAsync(ct).ConfigureAwait(false);
        return new DatabaseRestorePlan(name, configured, dumpPath, node, meta, DatabaseRestoreKind.InPlace, Describe(configured), exists, extras);
    }

    /// <summary>A copy of a database's configuration pointed at another database (or file), as its engine says.</summary>
    private static DatabaseSection Retarget(DatabaseSection d, IDatabaseEngine engine, string other)
    {
        var copy = new DatabaseSection
        {
            Name = d.Name,
            Engine = engine.Name,
            Host = d.Host,
            Port = d.Port,
            User = d.User,
            PasswordEnv = d.PasswordEnv,
            PasswordFile = d.PasswordFile,
            PasswordCommand = d.PasswordCommand,
        };
        engine.Retarget(copy, other);
        return copy;
    }

    public static string Describe(DatabaseSection d)
    {
        ArgumentNullException.ThrowIfNull(d);
        return DatabaseEngines.Require(d.Engine, d.Name).Describe(d);
    }

    private async Task<List<MediaRestorePlan>> PlanMediaAsync(Repository.RepositoryReader repo, SnapshotEntry entry, RestoreRequest request,
        IncludeFilter includes, List<string> warnings, CancellationToken ct)
    {
        var plans = new List<MediaRestorePlan>();
        var dir = await TreePaths.FindAsync(repo, entry.Snapshot.Tree, MediaDir, ct).ConfigureAwait(false);
        if (dir?.Subtree is not { } sub) return plans;
        foreach (var folder in (await repo.LoadTreeAsync(sub, ct).ConfigureAwait(false)).Where(n => n.Type == NodeType.Dir))
        {
            var name = Encoding.UTF8.GetString(folder.Name);
            var snapshotPath = MediaDir + "/" + name;
            var (wanted, whole) = includes.Selects(snapshotPath);
            if (!wanted) continue;
            var configured = config.Media.Find(m => Application.ApplicationLayout.MediaName(m) == name);
            string destination;
            if (request.Target is { } target) destination = Inside(Path.Combine(Path.GetFullPath(target), "media"), name);
            else if (configured is not null) destination = Path.GetFullPath(configured.Path!);
            else
            {
                warnings.Add($"media folder {name} of the backup is not in the configuration: not restored (restore it with --target DIR)");
                continue;
            }
            var inPlace = request.Target is null;
            if (!inPlace && Directory.Exists(destination) && Directory.EnumerateFileSystemEntries(destination).Any())
                throw new CoffreException($"{destination} is not empty: choose an empty --target folder");
            var excludes = inPlace ? configured?.Exclude ?? [] : [];
            var mediaIncludes = whole ? [] : request.Includes.Select(i => IncludeFilter.Normalize(TreePaths.Normalize(i)))
                .Where(i => i.StartsWith(snapshotPath + "/", StringComparison.Ordinal)).ToList();
            var diff = await MediaComparer.CompareAsync(repo, folder.Subtree!.Value, snapshotPath, destination, new IncludeFilter(mediaIncludes), excludes, ct).ConfigureAwait(false);
            plans.Add(new MediaRestorePlan(name, snapshotPath, destination, inPlace, mediaIncludes, excludes,
                diff.Files, diff.Bytes, diff.Created, diff.Overwritten, diff.Unchanged, diff.Removed));
        }
        return plans;
    }
}
