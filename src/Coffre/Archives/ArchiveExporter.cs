using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using Coffre.Configuration;
using Coffre.Model;
using Coffre.Model.Json;
using Coffre.Repository;
using Coffre.Repository.Locking;
using Coffre.Restore;
using Coffre.Application;
using Coffre.IO;

namespace Coffre.Archives;

/// <summary>How <see cref="ArchiveExporter.ExportAsync"/> writes an archive.</summary>
public sealed record ExportOptions
{
    /// <summary>Replace an existing archive and sidecar (otherwise an existing one is an error and nothing is written).</summary>
    public bool Overwrite { get; init; }
    /// <summary>The application's configuration, for the databases' names on their servers (the sidecar's <c>database</c>); optional.</summary>
    public CoffreConfig? Config { get; init; }
    /// <summary>Time source and local time zone (the sidecar's times are local).</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;
    public CompressionLevel Compression { get; init; } = CompressionLevel.Optimal;
}

/// <summary>What an export wrote: the archive, its sidecar, and what went in.</summary>
public sealed record ExportResult(string ArchivePath, string SidecarPath, ArchiveSidecar Sidecar, long Size, long Files, long Bytes, IReadOnlyList<string> Warnings);

/// <summary>
/// Writes a snapshot as a self-contained <c>.tar.gz</c> in the old script's layout (see <see cref="ArchiveLayout"/>):
/// <c>metadata.json</c> first, <c>database_NAME.EXT</c>, <c>media/NAME/...</c> with modes, times, owners, folders and
/// symlinks; a PAX tar (System.Formats.Tar) compressed by gzip, streamed from the repository (every blob verified)
/// into <c>FILE.tmp-RANDOM</c>, flushed to disk and renamed: the final name never holds half an archive. The SHA-256
/// is computed while writing. Then <c>FILE.json</c> (<see cref="ArchiveSidecar"/>) is written the same way.
/// </summary>
public static class ArchiveExporter
{
    /// <summary>
    /// Exports <paramref name="snapshot"/> to <paramref name="archivePath"/> under a non-exclusive repository lock.
    /// Throws <see cref="CoffreException"/> when the archive or its sidecar exists (without
    /// <see cref="ExportOptions.Overwrite"/>) and <see cref="InvalidDataException"/> when the repository's data is
    /// damaged; in both cases no archive is left under the final name.
    /// </summary>
    public static async Task<ExportResult> ExportAsync(Repository.Repository repo, SnapshotEntry snapshot, string archivePath, ExportOptions? options, RestoreProgress? progress, CancellationToken ct)
    {
        options ??= new ExportOptions();
        progress ??= new RestoreProgress();
        if (!options.Overwrite)
        {
            AtomicFile.RefuseExisting(archivePath);
            AtomicFile.RefuseExisting(ArchiveSidecar.PathFor(archivePath));
        }
        await using var repoLock = await RepositoryLock.AcquireAsync(repo, exclusive: false, options.Clock, ct).ConfigureAwait(false);
        List<Node> root;
        ApplicationMetadata? metadata;
        var writer = new EntryWriter(repo, progress);
        string sha256;
        long size;
        try
        {
            root = await repo.LoadTreeAsync(snapshot.Snapshot.Tree, "/", ct).ConfigureAwait(false);
            metadata = await ApplicationMetadata.ReadAsync(repo, snapshot.Snapshot.Tree, ct).ConfigureAwait(false);
            (sha256, size) = await AtomicFile.WriteAsync(archivePath, options.Overwrite, 0x180 /* 0600: the application's data */, async (file, token) =>
            {
                await using var hashing = new HashingStream(file, leaveOpen: true);
                await WriteArchiveAsync(root, writer, hashing, options.Compression, token).ConfigureAwait(false);
                await hashing.FlushAsync(token).ConfigureAwait(false);
                return (hashing.HashHex(), hashing.Count);
            }, ct).ConfigureAwait(false);
        }
        catch (InvalidTreeException e) { throw e.InSnapshot(snapshot.Id); }

        var zone = options.Clock.LocalTimeZone;
        var time = snapshot.Snapshot.Time.ToDateTimeOffset();
        var includes = new List<string>();
        if (writer.Databases.Count > 0) includes.Add("database");
        if (root.Any(n => n.Type == NodeType.Dir && Is(n, ArchiveLayout.MediaFolder))) includes.Add("media");
        var sidecar = new ArchiveSidecar
        {
            BackupFile = Path.GetFileName(archivePath),
            Timestamp = ArchiveTime.Stamp(time, zone),
            Datetime = ArchiveTime.Iso(time, zone),
            Database = string.Join(",", DatabaseNames(metadata, writer.Databases, options.Config)),
            Type = "COMPLETE",
            SizeMb = ArchiveSidecar.SizeInMb(size),
            Hash = sha256,
            Includes = includes,
            Status = "completed",
            Snapshot = snapshot.Id.ToString(),
            Application = metadata?.Application ?? options.Config?.Application,
        };
        await sidecar.WriteAsync(archivePath, options.Overwrite, ct).ConfigureAwait(false);
        return new ExportResult(archivePath, ArchiveSidecar.PathFor(archivePath), sidecar, size, writer.Files, writer.Bytes, writer.Warnings);
    }

    /// <summary>
    /// Writes <paramref name="snapshot"/> as the same tar.gz to <paramref name="output"/> (a download), under a
    /// non-exclusive repository lock. What the output saw is incomplete when this throws: the caller must not
    /// present it as an archive (an HTTP download is aborted, not ended).
    /// </summary>
    public static async Task StreamAsync(Repository.Repository repo, SnapshotEntry snapshot, Stream output, TimeProvider clock, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(repo);
        ArgumentNullException.ThrowIfNull(snapshot);
        await using var repoLock = await RepositoryLock.AcquireAsync(repo, exclusive: false, clock, ct).ConfigureAwait(false);
        try
        {
            var root = await repo.LoadTreeAsync(snapshot.Snapshot.Tree, "/", ct).ConfigureAwait(false);
            await WriteArchiveAsync(root, new EntryWriter(repo, new RestoreProgress()), output, CompressionLevel.Fastest, ct).ConfigureAwait(false);
        }
        catch (InvalidTreeException e) { throw e.InSnapshot(snapshot.Id); }
    }

    private const string ConfigFolder = "config";

    private static async Task WriteArchiveAsync(List<Node> root, EntryWriter writer, Stream output, CompressionLevel compression, CancellationToken ct)
    {
        await using var gzip = new GZipStream(output, compression, leaveOpen: true);
        await using var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true);
        // metadata.json first: it tells an importer that the archive is Coffre's before anything else.
        if (root.Find(n => n.Type == NodeType.File && Is(n, ArchiveLayout.MetadataFile)) is { } meta)
            await writer.WriteAsync(tar, meta, [ArchiveLayout.MetadataFile], ct).ConfigureAwait(false);
        // The old script's layout: metadata, dumps, media. The configuration a backup carries (config/) is for
        // 'coffre config restore' from the repository; the old layout has no place for it.
        foreach (var node in root.Where(n => !(n.Type == NodeType.File && Is(n, ArchiveLayout.MetadataFile)) && !(n.Type == NodeType.Dir && Is(n, ConfigFolder))))
            await writer.WriteAsync(tar, node, [Name(node, writer.Warnings)], ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The databases' names on their servers (the old script's <c>database</c> field): each database of metadata.json
    /// (or each dump file's name) looked up in the configuration by its Coffre name.
    /// </summary>
    private static IEnumerable<string> DatabaseNames(ApplicationMetadata? metadata, IReadOnlyList<string> dumpFiles, CoffreConfig? config)
    {
        var names = metadata?.Databases.Select(d => d.Name)
            ?? dumpFiles.Where(f => !Sources.DatabaseEngines.IsExtraFile(f)).Select(f => f.Contains('.', StringComparison.Ordinal) ? f[..f.LastIndexOf('.')] : f);
        return names.Select(n => config?.Databases.FirstOrDefault(d => d.Name == n) is { } d ? d.Database ?? n : n);
    }

    private static bool Is(Node node, string name) => node.Name.AsSpan().SequenceEqual(Encoding.UTF8.GetBytes(name));

    /// <summary>A node's name as tar text; a name that is not UTF-8 is written with \xNN escapes (and reported).</summary>
    private static string Name(Node node, List<string> warnings)
    {
        if (GoUtf8.IsValid(node.Name)) return Encoding.UTF8.GetString(node.Name);
        warnings.Add($"{node.DisplayName}: the name is not valid UTF-8; written with \\xNN escapes");
        return node.DisplayName;
    }

    /// <summary>Writes nodes (and, for folders, everything below) as tar entries, counting what went in.</summary>
    private sealed class EntryWriter(Repository.RepositoryReader repo, RestoreProgress progress)
    {
        public List<string> Warnings { get; } = [];
        public List<string> Databases { get; } = [];
        public long Files { get; private set; }
        public long Bytes { get; private set; }

        public async Task WriteAsync(TarWriter tar, Node node, List<string> path, CancellationToken ct)
        {
            var treePath = string.Join('/', path);
            switch (node.Type)
            {
                case NodeType.File:
                    var name = ArchiveLayout.ArchiveName(treePath, isFile: true);
                    if (name.StartsWith(ArchiveLayout.DatabasePrefix, StringComparison.Ordinal) && path.Count == 2) Databases.Add(path[1]);
                    var entry = TarNodes.ToEntry(node, TarEntryType.RegularFile, name);
                    await using (var content = node.Size > 0 ? new KnownLengthStream(new NodeContentStream(repo, node, treePath), (long)node.Size) : null)
                    {
                        entry.DataStream = content;
                        await tar.WriteEntryAsync(entry, ct).ConfigureAwait(false);
                    }
                    Files++;
                    Bytes += (long)node.Size;
                    progress.File();
                    progress.Bytes((long)node.Size);
                    break;
                case NodeType.Dir:
                    // database/ itself is not in the archive: its files are database_NAME at the root.
                    if (!(path.Count == 1 && path[0] == ArchiveLayout.DatabaseFolder))
                        await tar.WriteEntryAsync(TarNodes.ToEntry(node, TarEntryType.Directory, treePath + "/"), ct).ConfigureAwait(false);
                    if (node.Subtree is not { } sub) break;
                    if (path.Count >= NodeName.MaxTreeDepth) throw TreeWalker.TooDeep("/" + treePath);
                    foreach (var child in await repo.LoadTreeAsync(sub, "/" + treePath, ct).ConfigureAwait(false))
                        await WriteAsync(tar, child, [.. path, Name(child, Warnings)], ct).ConfigureAwait(false);
                    break;
                case NodeType.Symlink:
                    var link = TarNodes.ToEntry(node, TarEntryType.SymbolicLink, treePath);
                    var target = node.LinkTarget ?? [];
                    if (!GoUtf8.IsValid(target)) Warnings.Add($"{treePath}: the symlink's target is not valid UTF-8; written with \\xNN escapes");
                    link.LinkName = Node.ToDisplayString(target);
                    await tar.WriteEntryAsync(link, ct).ConfigureAwait(false);
                    break;
                default:
                    Warnings.Add($"{treePath}: a {node.Type.ToJsonName()} is not exported (only files, folders and symlinks are)");
                    break;
            }
        }
    }
}
