namespace Coffre.Model;

/// <summary>The <c>type</c> of a tree node. <see cref="Irregular"/> exists in restic but fails <c>restic check</c>.</summary>
public enum NodeType
{
    File,
    Dir,
    Symlink,
    Dev,
    CharDev,
    Fifo,
    Socket,
    Irregular,
}

/// <summary>The JSON names of <see cref="NodeType"/> values.</summary>
public static class NodeTypeNames
{
    /// <summary>"file", "dir", "symlink", "dev", "chardev", "fifo", "socket" or "irregular".</summary>
    public static string ToJsonName(this NodeType type) => type switch
    {
        NodeType.File => "file",
        NodeType.Dir => "dir",
        NodeType.Symlink => "symlink",
        NodeType.Dev => "dev",
        NodeType.CharDev => "chardev",
        NodeType.Fifo => "fifo",
        NodeType.Socket => "socket",
        NodeType.Irregular => "irregular",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown node type"),
    };

    internal static ReadOnlySpan<byte> ToUtf8(NodeType type) => type switch
    {
        NodeType.File => "file"u8,
        NodeType.Dir => "dir"u8,
        NodeType.Symlink => "symlink"u8,
        NodeType.Dev => "dev"u8,
        NodeType.CharDev => "chardev"u8,
        NodeType.Fifo => "fifo"u8,
        NodeType.Socket => "socket"u8,
        NodeType.Irregular => "irregular"u8,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown node type"),
    };

    public static bool TryParse(ReadOnlySpan<byte> utf8, out NodeType type)
    {
        for (var t = NodeType.File; t <= NodeType.Irregular; t++)
        {
            if (utf8.SequenceEqual(ToUtf8(t)))
            {
                type = t;
                return true;
            }
        }
        type = default;
        return false;
    }

    public static bool TryParse(string name, out NodeType type) =>
        TryParse(System.Text.Encoding.UTF8.GetBytes(name ?? ""), out type);
}
