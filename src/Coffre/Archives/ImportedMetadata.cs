using System.Globalization;
using Coffre.Configuration;
using Coffre.Application;

namespace Coffre.Archives;

/// <summary>
/// The metadata.json Coffre writes for an archive that has none (the old script's): status <c>imported</c>, each
/// database with the engine found in its content and its size (server version <c>unknown</c>, no row counts: the
/// archive does not say), each <c>media/NAME</c> folder with its files and bytes, and the archive it came from.
/// </summary>
internal sealed class ImportedMetadata(CoffreConfig config, string archivePath)
{
    private readonly List<DatabaseMetadata> _databases = [];
    private readonly SortedDictionary<string, (long Files, long Bytes)> _media = new(StringComparer.Ordinal);

    public void Database(string name, string engine, string treePath, long size) =>
        _databases.Add(new DatabaseMetadata(name, engine, treePath, "unknown", size, new Dictionary<string, long>()));

    /// <summary>Counts a file stored at <paramref name="treePath"/> when it is inside <c>media/NAME/</c>.</summary>
    public void File(string treePath, long size)
    {
        var parts = treePath.Split('/');
        if (parts.Length < 3 || parts[0] != ArchiveLayout.MediaFolder) return;
        _media.TryGetValue(parts[1], out var c);
        _media[parts[1]] = (c.Files + 1, c.Bytes + size);
    }

    public ApplicationMetadata Build(DateTimeOffset time, string host) => new()
    {
        Time = time.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
        Application = config.Application!,
        Host = host,
        Databases = _databases,
        Media = [.. _media.Select(m => new MediaMetadata(m.Key, MediaPath(m.Key), m.Value.Files, m.Value.Bytes))],
        TotalSize = _databases.Sum(d => d.Size) + _media.Values.Sum(m => m.Bytes),
        DurationSeconds = 0,
        CoffreVersion = ProgramInfo.Version,
        Status = "imported",
        ImportedFrom = Path.GetFileName(archivePath),
    };

    /// <summary>The configured folder of that name (where a restore puts it), else where it was in the archive.</summary>
    private string MediaPath(string name) =>
        config.Media.FirstOrDefault(m => m.Name == name)?.Path ?? $"{Path.GetFileName(archivePath)}:media/{name}";
}
