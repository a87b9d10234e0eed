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
