using System.Globalization;
using System.Text;
using Coffre.Model.Json;

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

    /// <summary>
    /// A name for an error message, quoted so that it stays on one line whatever it holds: control characters,
    /// quotes, backslashes and bytes that are not UTF-8 are escaped (<c>"a\x00b"</c>, <c>"x\ny"</c>), and a very
    /// long name is cut.
    /// </summary>
    public static string Quote(ReadOnlySpan<byte> name)
    {
        const int shown = 200;
        var cut = name.Length > shown;
        var sb = new StringBuilder().Append('"');
        var rest = cut ? name[..shown] : name;
        while (rest.Length > 0)
        {
            GoUtf8.DecodeRune(rest, out var size);
            if (size <= 1 && rest[0] >= 0x80) sb.Append(CultureInfo.InvariantCulture, $"\\x{rest[0]:x2}");
            else AppendEscaped(sb, Encoding.UTF8.GetString(rest[..Math.Max(size, 1)]), quotes: true);
            rest = rest[Math.Max(size, 1)..];
        }
        sb.Append('"');
        if (cut) sb.Append(CultureInfo.InvariantCulture, $" (cut, {name.Length} bytes)");
        return sb.ToString();
    }

    /// <summary>A path inside a snapshot for an error message: on one line (control characters escaped), and a
    /// path of a forged, very deep tree shortened to its start and end.</summary>
    public static string OneLine(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length > 600) path = string.Concat(path.AsSpan(0, 200), "/.../", path.AsSpan(path.Length - 300));
        return AppendEscaped(new StringBuilder(path.Length), path, quotes: false).ToString();
    }

    private static StringBuilder AppendEscaped(StringBuilder sb, string text, bool quotes)
    {
        foreach (var c in text)
        {
            if (quotes && c is '"' or '\\') sb.Append('\\').Append(c);
            else if (char.IsControl(c) || c is '\u2028' or '\u2029')
                sb.Append(c < 0x100 ? "\\x" + ((int)c).ToString("x2", CultureInfo.InvariantCulture) : "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture));
            else sb.Append(c);
        }
        return sb;
    }
}

/// <summary>A tree that cannot be used as it is: an invalid or duplicate child name, or nesting deeper than
/// <see cref="NodeName.MaxTreeDepth"/>. The message names what is wrong; callers add the path and the snapshot
/// (<see cref="AtPath"/>, <see cref="InSnapshot"/>), each once, so the message reads
/// <c>snapshot 1a2b3c4d: /media/uploads: tree 5e6f7a8b: invalid child node name "../x"</c>.</summary>
public sealed class InvalidTreeException : CoffreException
{
    public InvalidTreeException(string message) : base(message) { }

    public InvalidTreeException() : this("invalid tree") { }

    public InvalidTreeException(string message, Exception inner) : base(message, inner) { }

    private InvalidTreeException(string message, InvalidTreeException inner, bool hasPath, bool hasSnapshot) : base(message, inner)
    {
        HasPath = hasPath;
        HasSnapshot = hasSnapshot;
    }

    /// <summary>Whether the message already names the path of the folder inside the snapshot.</summary>
    public bool HasPath { get; }

    /// <summary>Whether the message already names the snapshot.</summary>
    public bool HasSnapshot { get; }

    /// <summary>The same error, naming the folder (path inside the snapshot, "/" for the root) whose tree it is.</summary>
    public InvalidTreeException AtPath(string path) =>
        HasPath ? this : new InvalidTreeException($"{(path.Length == 0 ? "/" : NodeName.OneLine(path))}: {Message}", this, true, HasSnapshot);

    /// <summary>The same error, naming the snapshot, with what to do about it.</summary>
    public InvalidTreeException InSnapshot(BlobId snapshot) =>
        HasSnapshot ? this : new InvalidTreeException(
            $"snapshot {snapshot.ToShortString()}: {Message}: the snapshot holds a tree no backup writes (forged or damaged): "
            + "use another snapshot, and check who can write the repository", this, HasPath, true);
}
