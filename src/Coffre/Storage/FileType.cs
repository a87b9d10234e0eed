namespace Coffre.Storage;

/// <summary>The kinds of object a repository holds, each in its own folder.</summary>
public enum FileType
{
    Config,
    Key,
    Snapshot,
    Index,
    Lock,
    Pack,
}

/// <summary>restic's repository layout, shared by every backend.</summary>
public static class RepositoryLayout
{
    /// <summary>The folders of a repository, as restic creates them.</summary>
    public static IReadOnlyList<string> TopFolders { get; } = ["keys", "snapshots", "index", "locks", "data"];

    /// <summary>The folder that holds objects of <paramref name="type"/> (config has none: it is at the top).</summary>
    public static string FolderOf(FileType type) => type switch
    {
        FileType.Key => "keys",
        FileType.Snapshot => "snapshots",
        FileType.Index => "index",
        FileType.Lock => "locks",
        FileType.Pack => "data",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };
}
