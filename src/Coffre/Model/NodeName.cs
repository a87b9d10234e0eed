namespace Coffre.Model;

/// <summary>
/// What a tree may call a child, and how deep trees may go. A repository can be written by someone else: a name is
/// data that becomes a path component on restore, so anything that could leave the folder it is in is refused,
/// as restic does ("invalid child node name").
/// </summary>
public static class NodeName
{
    /// <summary>
    /// The deepest folder nesting a tree may have. Linux cannot name a path longer than PATH_MAX (4096 bytes), so
    /// no folder a backup could read is deeper than 2048 levels; a deeper tree is forged, and following it would
    /// cost memory and time without bound.
    /// </summary>
    public const int MaxTreeDepth = 2048;

    /// <summary>False for an empty name, "." and "..", and any name holding '/' or NUL.</summary>
    public static bool IsValid(ReadOnlySpan<byte> name) =>
        name.Length > 0
        && !name.SequenceEqual("."u8)
        && !name.SequenceEqual(".."u8)
        && name.IndexOfAny((byte)'/', (byte)0) < 0;
}

/// <summary>A tree that cannot be used as it is: an invalid or duplicate child name, or nesting deeper than
/// <see cref="NodeName.MaxTreeDepth"/>. The message names what is wrong; callers add the snapshot and path.</summary>
public sealed class InvalidTreeException(string message) : CoffreException(message);
