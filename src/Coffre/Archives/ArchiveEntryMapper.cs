using Coffre.Configuration;

namespace Coffre.Archives;

/// <summary>What an archive entry becomes in the imported snapshot.</summary>
public enum EntryRole
{
    /// <summary>Not imported (the archive's root folder; an old archive's own metadata.json).</summary>
    Skip,
    /// <summary>Stored at <see cref="EntryTarget.TreePath"/>.</summary>
    Plain,
    /// <summary>An old archive's <c>database_X.ext</c>: stored as <c>database/NAME.EXT</c> once its content says what it is.</summary>
    LegacyDatabase,
}

/// <param name="Role">What to do with the entry.</param>
/// <param name="TreePath">Its path in the snapshot (<see cref="EntryRole.Plain"/>).</param>
/// <param name="DatabaseName">For <see cref="EntryRole.LegacyDatabase"/>: the configured database's name, else the file's X.</param>
/// <param name="OriginalExtension">For <see cref="EntryRole.LegacyDatabase"/>: the extension in the archive, without the dot.</param>
public sealed record EntryTarget(EntryRole Role, string TreePath, string? DatabaseName = null, string? OriginalExtension = null);

/// <summary>
/// Maps archive entry names to snapshot paths.
/// <para>An archive written by Coffre (<paramref name="fromCoffre"/>) comes back with the layout it was exported
/// from: <c>database_FILE</c> becomes <c>database/FILE</c>, everything else keeps its path.</para>
/// <para>An archive of the old script: <c>database_X.EXT</c> (a file at the root) is a database dump whose name is the
/// configured database with <c>database</c> (name on the server) or <c>name</c> equal to X, else X. <c>media/...</c>
/// was the application's MEDIA_ROOT: with one configured media folder NAME it becomes <c>media/NAME/...</c>; with
/// several, <c>media/FIRST/...</c> keeps its path and FIRST should be a configured media name (a warning says when it
/// is not); with none it keeps its path. A root <c>metadata.json</c> is skipped (Coffre writes its own); other
/// entries keep their paths.</para>
/// </summary>
public sealed class ArchiveEntryMapper(CoffreConfig config, bool fromCoffre, string archive)
{
    private readonly HashSet<string> _warned = new(StringComparer.Ordinal);
    private readonly List<string> _warnings = [];

    /// <summary>Things worth telling the user (an unexpected media folder, a skipped file).</summary>
    public IReadOnlyList<string> Warnings => _warnings;

    /// <summary>The configured media folder names.</summary>
    private IEnumerable<string> MediaNames => config.Media.Select(m => m.Name ?? Path.GetFileName(m.Path ?? "")).Where(n => n.Length > 0);

    /// <summary>Where entry <paramref name="entryName"/> goes. Throws for an absolute path or one with <c>..</c>.</summary>
    public EntryTarget Map(string entryName, bool isFile)
    {
        var parts = ArchiveLayout.SafeParts(entryName, archive);
        if (parts.Length == 0) return new EntryTarget(EntryRole.Skip, "");
        var first = parts[0];
        if (parts.Length == 1 && isFile && first.StartsWith(ArchiveLayout.DatabasePrefix, StringComparison.Ordinal) && first.Length > ArchiveLayout.DatabasePrefix.Length)
        {
            var file = first[ArchiveLayout.DatabasePrefix.Length..];
            if (fromCoffre) return new EntryTarget(EntryRole.Plain, $"{ArchiveLayout.DatabaseFolder}/{file}");
            var dot = file.LastIndexOf('.');
            var x = dot > 0 ? file[..dot] : file;
            var extension = dot > 0 ? file[(dot + 1)..] : "";
            var db = config.Databases.FirstOrDefault(d => d.Database == x) ?? config.Databases.FirstOrDefault(d => d.Name == x);
            return new EntryTarget(EntryRole.LegacyDatabase, "", db?.Name ?? x, extension);
        }
        if (fromCoffre) return new EntryTarget(EntryRole.Plain, string.Join('/', parts));
        if (parts.Length == 1 && first == ArchiveLayout.MetadataFile)
        {
            _warnings.Add($"{archive}: its metadata.json is not Coffre's and was not imported (Coffre writes its own)");
            return new EntryTarget(EntryRole.Skip, "");
        }
        if (first != ArchiveLayout.MediaFolder) return new EntryTarget(EntryRole.Plain, string.Join('/', parts));

        var names = MediaNames.ToList();
        if (names.Count == 1) return new EntryTarget(EntryRole.Plain, string.Join('/', [ArchiveLayout.MediaFolder, names[0], .. parts[1..]]));
        if (names.Count > 1 && parts.Length > 1 && !names.Contains(parts[1]) && _warned.Add(parts[1]))
            _warnings.Add($"{archive}: media/{parts[1]} is not one of the configured media folders ({string.Join(", ", names)}): imported as media/{parts[1]}");
        return new EntryTarget(EntryRole.Plain, string.Join('/', parts));
    }
}
