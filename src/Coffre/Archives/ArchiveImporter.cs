using System.Formats.Tar;
using System.Text;
using System.Text.Json;
using Coffre.Archiver;
using Coffre.Configuration;
using Coffre.Model;
using Coffre.Platform;
using Coffre.Repository.Locking;
using Coffre.Application;
using Coffre.IO;

namespace Coffre.Archives;

/// <summary>How <see cref="ArchiveImporter.ImportAsync"/> treats an archive.</summary>
public sealed record ImportOptions
{
    /// <summary>Accept a Coffre archive whose metadata.json names another application than the configuration.</summary>
    public bool AllowOtherApplication { get; init; }
}

/// <summary>
/// What an import stored: the snapshot, its metadata.json (the archive's own, or the one made for an old archive),
/// its time, whether the archive was Coffre's, the archive's SHA-256, whether a sidecar's hash confirmed it, and
/// warnings (skipped entries, an unexpected media folder) for the host to show.
/// </summary>
public sealed record ImportResult(BackupResult Backup, ApplicationMetadata Metadata, DateTimeOffset Time, bool FromCoffre, string Sha256, bool SidecarVerified, IReadOnlyList<string> Warnings);

/// <summary>
/// Stores a <c>.tar.gz</c> archive — exported by Coffre, or made by the old backup script — as a snapshot of the
/// configured application, streaming each tar entry into a <see cref="SnapshotComposer"/> (nothing is extracted to
/// disk). Mapping rules: <see cref="ArchiveEntryMapper"/>; time rules: <see cref="ImportAsync"/>.
/// </summary>
public static class ArchiveImporter
{
    private const int MaxMetadataSize = MetadataNames.MaxSize;

    /// <summary>
    /// Imports <paramref name="archivePath"/> into <paramref name="repo"/> as one snapshot tagged <c>coffre</c>,
    /// <c>app:NAME</c> (the configuration's application) and <c>imported</c>, under a non-exclusive lock, and returns it.
    /// <para>Contract: the snapshot is written only after the whole archive was read and found sound — the gzip CRC,
    /// every entry's length, and, when <c>FILE.json</c> exists, its SHA-256 (computed while reading). A damaged archive,
    /// a hash mismatch, an entry with an absolute path or <c>..</c>, or the same path twice throws
    /// <see cref="CoffreException"/> (exit code 1) and leaves no snapshot (only unreferenced data, which prune removes).
    /// Callers that want to fail before writing anything call <see cref="ArchiveSidecar.VerifyAsync"/> first (the
    /// <c>import</c> and <c>restore</c> commands do). A missing sidecar is not an error:
    /// <see cref="ImportResult.SidecarVerified"/> is then false (the caller warns).</para>
    /// <para>Time of the snapshot: for a Coffre archive, the exported snapshot's own time (its metadata.json's time in the
    /// archive); otherwise the sidecar's (<see cref="ArchiveSidecar.Time"/>), else the <c>YYYYMMDD_HHMMSS</c> in the file
    /// name, else the newest modification time in the archive — local times read in <paramref name="clock"/>'s time zone.
    /// Modes, times and owners of files, folders and symlinks come from the tar entries; hard links, devices and fifos
    /// are skipped with a warning.</para>
    /// </summary>
    public static async Task<ImportResult> ImportAsync(Repository.Repository repo, CoffreConfig config, string archivePath, TimeProvider clock,
        ImportOptions? options, BackupProgress? progress, CancellationToken ct)
    {
        options ??= new ImportOptions();
        progress ??= new BackupProgress();
        var application = config.Application ?? throw new CoffreException("the configuration names no application");
        var name = Path.GetFileName(archivePath);
        var warnings = new List<string>();
        var sidecar = ArchiveSidecar.TryRead(archivePath);

        await using var input = ArchiveInput.Open(archivePath);
        var first = await input.NextAsync(ct).ConfigureAwait(false);
        var (coffreMetadata, metadataBytes) = await ReadCoffreMetadataAsync(input, first, ct).ConfigureAwait(false);
        if (coffreMetadata is not null && coffreMetadata.Application != application && !options.AllowOtherApplication)
            throw new CoffreException($"{name} holds a backup of the application {coffreMetadata.Application}, not {application} (the configuration's): use that application's configuration; nothing was imported");

        await using var repoLock = await RepositoryLock.AcquireAsync(repo, exclusive: false, clock, ct).ConfigureAwait(false);
        await using var composer = await SnapshotComposer.StartAsync(repo, clock, new ComposeOptions
        {
            Tags = ["coffre", "app:" + application, "imported"],
            Hostname = coffreMetadata?.Host,
        }, progress, ct).ConfigureAwait(false);

        var run = new EntryImporter(composer, input, new ArchiveEntryMapper(config, coffreMetadata is not null, name), new ImportedMetadata(config, archivePath), config, warnings);
        if (coffreMetadata is not null)
            await composer.AddStreamAsync(ArchiveLayout.MetadataFile, new MemoryStream(metadataBytes!, writable: false), TarNodes.FromEntry(first!), ct).ConfigureAwait(false);
        else if (first is not null)
            await run.ImportAsync(first, ct).ConfigureAwait(false);
        for (var entry = await input.NextAsync(ct).ConfigureAwait(false); entry is not null; entry = await input.NextAsync(ct).ConfigureAwait(false))
            await run.ImportAsync(entry, ct).ConfigureAwait(false);

        var (sha256, trailerConsistent) = await input.FinishAsync(ct).ConfigureAwait(false);
        if (coffreMetadata is null && run.Imported == 0)
            throw new CoffreException($"{name} holds no file or folder to import; nothing was imported");
        var verified = sidecar?.Hash is { Length: > 0 };
        if (verified && !sidecar!.HashMatches(sha256)) throw ArchiveSidecar.Mismatch(archivePath, sha256, sidecar.Hash!);
        if (!trailerConsistent && !verified)
            throw input.Damaged("its gzip trailer does not match its content (cut at its end? an archive of several gzip members must be recompressed: zcat FILE | gzip > NEW)");

        var time = TimeOf(coffreMetadata is null ? null : first, sidecar, name, run.Newest, clock);

        ApplicationMetadata metadata;
        try { metadata = coffreMetadata ?? MetadataNames.Validate(run.Metadata.Build(time, Posix.GetHostName())); }
        catch (InvalidMetadataException e)
        {
            throw new CoffreException($"{name} is refused: a database or media folder of the archive has a name coffre.json would not accept ({e.Message}); rename it in the archive; nothing was imported", e);
        }
        warnings.AddRange(run.Mapper.Warnings);
        if (coffreMetadata is null)
            await composer.AddStreamAsync(ArchiveLayout.MetadataFile, new MemoryStream(metadata.ToJson(), writable: false), TarNodes.Made(0x180 /* 0600 */, time), ct).ConfigureAwait(false);
        var backup = await composer.CommitAsync([Path.GetFullPath(archivePath)], time, ct).ConfigureAwait(false);
        return new ImportResult(backup, metadata, time, coffreMetadata is not null, sha256, verified, warnings);
    }

    /// <summary>The snapshot's time, in the local time zone (rules: <see cref="ImportAsync"/>).</summary>
    private static DateTimeOffset TimeOf(TarEntry? coffreMetadata, ArchiveSidecar? sidecar, string fileName, GoTime? newest, TimeProvider clock)
    {
        var zone = clock.LocalTimeZone;
        DateTimeOffset time;
        if (coffreMetadata is not null) time = TarNodes.FromEntry(coffreMetadata).ModTime.ToDateTimeOffset();
        else if (sidecar?.Time(zone) is { } t) time = t;
        else if (ArchiveTime.TryParseFileName(fileName, zone, out var fromName)) time = fromName;
        else time = newest?.ToDateTimeOffset() ?? clock.GetUtcNow();
        return TimeZoneInfo.ConvertTime(time, zone);
    }

    /// <summary>The first entry's metadata.json when it is Coffre's (it names an application), with its bytes.</summary>
    private static async Task<(ApplicationMetadata?, byte[]?)> ReadCoffreMetadataAsync(ArchiveInput input, TarEntry? first, CancellationToken ct)
    {
        if (first is null || first.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || first.Length > MaxMetadataSize) return (null, null);
        if (first.Name.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != ".").ToArray() is not [ArchiveLayout.MetadataFile]) return (null, null);
        var bytes = new byte[first.Length];
        try
        {
            if (first.DataStream is { } data) await data.ReadExactlyAsync(bytes, ct).ConfigureAwait(false);
        }
        catch (EndOfStreamException e) { throw input.Damaged(e); }
        try
        {
            var metadata = ApplicationMetadata.Parse(bytes);
            return (string.IsNullOrEmpty(metadata.Application) ? null : metadata, bytes);
        }
        catch (Exception e) when (e is JsonException or InvalidDataException) { return (null, null); }
        catch (InvalidMetadataException e) { throw new CoffreException($"{input.Name} is refused: {e.Message}; nothing was imported", e); }
    }

    /// <summary>Stores entries one after the other, each read to its end before the next header is read.</summary>
    private sealed class EntryImporter(SnapshotComposer composer, ArchiveInput input, ArchiveEntryMapper mapper, ImportedMetadata metadata, CoffreConfig config, List<string> warnings)
    {
        public ArchiveEntryMapper Mapper => mapper;
        public ImportedMetadata Metadata => metadata;
        /// <summary>The newest modification time seen (the time of last resort).</summary>
        public GoTime? Newest { get; private set; }
        /// <summary>Files, folders and symlinks stored so far.</summary>
        public int Imported { get; private set; }

        public async Task ImportAsync(TarEntry entry, CancellationToken ct)
        {
            try
            {
                if (await ImportCoreAsync(entry, ct).ConfigureAwait(false)) Imported++;
            }
            catch (ArgumentException e)
            {
                throw new CoffreException($"{Path.GetFileName(input.Name)}: cannot import {entry.Name}: {e.Message}; nothing was imported", e);
            }
        }

        /// <summary>Stores one entry; false when it was skipped.</summary>
        private async Task<bool> ImportCoreAsync(TarEntry entry, CancellationToken ct)
        {
            switch (entry.EntryType)
            {
                case TarEntryType.Directory:
                    var folder = mapper.Map(entry.Name, isFile: false);
                    if (folder.Role == EntryRole.Skip) return false;
                    composer.DescribeFolder(folder.TreePath, Template(entry));
                    return true;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                    return await FileAsync(entry, ct).ConfigureAwait(false);
                case TarEntryType.SymbolicLink:
                    var link = mapper.Map(entry.Name, isFile: true);
                    if (link.Role == EntryRole.Skip) return false;
                    composer.AddSymlink(link.TreePath, Encoding.UTF8.GetBytes(entry.LinkName), Template(entry));
                    return true;
                case TarEntryType.HardLink:
                    mapper.Map(entry.Name, isFile: true); // refuses a dangerous name all the same
                    warnings.Add($"{entry.Name}: a hard link (to {entry.LinkName}) is not imported");
                    return false;
                case TarEntryType.BlockDevice or TarEntryType.CharacterDevice or TarEntryType.Fifo:
                    mapper.Map(entry.Name, isFile: true);
                    warnings.Add($"{entry.Name}: a device or fifo is not imported");
                    return false;
                case TarEntryType.GlobalExtendedAttributes or TarEntryType.ExtendedAttributes or TarEntryType.LongLink or TarEntryType.LongPath:
                    return false; // headers about other entries
                default:
                    mapper.Map(entry.Name, isFile: true);
                    warnings.Add($"{entry.Name}: tar entries of type {entry.EntryType} are not supported; not imported");
                    return false;
            }
        }

        private async Task<bool> FileAsync(TarEntry entry, CancellationToken ct)
        {
            var target = mapper.Map(entry.Name, isFile: true);
            if (target.Role == EntryRole.Skip) return false;
            var data = entry.DataStream ?? Stream.Null;
            var path = target.TreePath;
            if (target.Role == EntryRole.LegacyDatabase)
            {
                var head = new byte[DumpDetector.HeadSize];
                var n = await data.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct).ConfigureAwait(false);
                var kind = DumpDetector.Detect(head.AsSpan(0, n), target.OriginalExtension ?? "");
                path = $"{ArchiveLayout.DatabaseFolder}/{target.DatabaseName}.{kind.Extension}";
                data = new PrefixedStream(head.AsMemory(0, n), data);
                var configured = config.Databases.FirstOrDefault(d => d.Name == target.DatabaseName);
                if (configured?.Engine is { } engine && kind.Engine != engine)
                    warnings.Add($"{entry.Name}: holds a {kind.Engine} dump but the configuration's database {target.DatabaseName} is {engine}");
                var size = await AddAsync(entry, path, data, ct).ConfigureAwait(false);
                metadata.Database(target.DatabaseName!, kind.Engine, path, size);
                return true;
            }
            metadata.File(path, await AddAsync(entry, path, data, ct).ConfigureAwait(false));
            return true;
        }

        private async Task<long> AddAsync(TarEntry entry, string path, Stream data, CancellationToken ct)
        {
            var size = await composer.AddStreamAsync(path, data, Template(entry), ct).ConfigureAwait(false);
            if (size != entry.Length) throw input.Damaged($"{entry.Name} holds {size} of its {entry.Length} bytes");
            return size;
        }

        private Node Template(TarEntry entry)
        {
            var node = TarNodes.FromEntry(entry);
            if (Newest is not { } n || node.ModTime.UnixSeconds > n.UnixSeconds || (node.ModTime.UnixSeconds == n.UnixSeconds && node.ModTime.Nanoseconds > n.Nanoseconds))
                Newest = node.ModTime;
            return node;
        }
    }
}
