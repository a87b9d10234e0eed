namespace Coffre.Archives;

/// <summary>
/// The names of an application snapshot's parts inside an archive — the old script's layout, plus metadata.json:
/// <code>
/// metadata.json                       first entry: marks an archive written by Coffre
/// database_&lt;name&gt;.&lt;ext&gt;               snapshot: database/&lt;name&gt;.&lt;ext&gt; (and database/&lt;name&gt;.roles.sql)
/// media/&lt;name&gt;/...                      snapshot: media/&lt;name&gt;/... (same path)
/// </code>
/// </summary>
public static class ArchiveLayout
{
    public const string MetadataFile = "metadata.json";
    public const string DatabaseFolder = "database";
    public const string MediaFolder = "media";
    public const string DatabasePrefix = "database_";

    /// <summary>The archive name of a snapshot path: a file directly in <c>database/</c> becomes <c>database_FILE</c>; anything else keeps its path.</summary>
    public static string ArchiveName(string treePath, bool isFile)
    {
        var parts = treePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return isFile && parts.Length == 2 && parts[0] == DatabaseFolder ? DatabasePrefix + parts[1] : string.Join('/', parts);
    }

    /// <summary>
    /// The parts of an entry name, without empty and <c>.</c> elements (<c>./media//a</c> is <c>media/a</c>). An
    /// absolute name or one with a <c>..</c> element is refused: an archive must not reach outside its own tree.
    /// </summary>
    public static string[] SafeParts(string entryName, string archive)
    {
        if (entryName.StartsWith('/') || entryName.StartsWith('\\'))
            throw new CoffreException($"{archive} holds an entry with an absolute path ({entryName}): refused, nothing was imported");
        var parts = entryName.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != ".").ToArray();
        if (parts.Any(p => p == ".."))
            throw new CoffreException($"{archive} holds an entry that climbs out of the archive ({entryName}): refused, nothing was imported");
        if (parts.Any(p => p.Contains('\0', StringComparison.Ordinal)))
            throw new CoffreException($"{archive} holds an entry whose name contains a NUL character: refused, nothing was imported");
        return parts;
    }
}
