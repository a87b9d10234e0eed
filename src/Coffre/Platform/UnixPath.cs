using System.Buffers;
using System.Text;

namespace Coffre.Platform;

/// <summary>Helpers for raw byte paths (no trailing NUL). Lexical only: nothing here touches the file system except the current directory lookup.</summary>
public static class UnixPath
{
    private const byte Slash = (byte)'/';
    private const byte Dot = (byte)'.';

    /// <summary>The UTF-8 bytes of a path given as a string.</summary>
    public static byte[] FromString(string path) => Encoding.UTF8.GetBytes(path);

    /// <summary>
    /// The path as text for messages: valid UTF-8 decoded, each invalid byte as \xNN. Control characters
    /// (U+0000..U+001F, U+007F) are also shown as \xNN so a name with a newline stays on one line.
    /// </summary>
    public static string ToDisplay(ReadOnlySpan<byte> path)
    {
        var text = new StringBuilder(path.Length);
        while (!path.IsEmpty)
        {
            OperationStatus status = Rune.DecodeFromUtf8(path, out Rune rune, out int consumed);
            if (status == OperationStatus.Done && rune.Value >= 0x20 && rune.Value != 0x7F)
            {
                text.Append(rune.ToString());
            }
            else
            {
                foreach (byte b in path[..consumed])
                {
                    text.Append($"\\x{b:X2}");
                }
            }
            path = path[consumed..];
        }
        return text.ToString();
    }

    /// <summary>"a" + "b" = "a/b"; "/" + "b" = "/b"; "" + "b" = "b".</summary>
    public static byte[] Join(ReadOnlySpan<byte> dir, ReadOnlySpan<byte> name)
    {
        if (dir.IsEmpty)
        {
            return name.ToArray();
        }
        bool needsSlash = dir[^1] != Slash;
        byte[] result = new byte[dir.Length + (needsSlash ? 1 : 0) + name.Length];
        dir.CopyTo(result);
        if (needsSlash)
        {
            result[dir.Length] = Slash;
        }
        name.CopyTo(result.AsSpan(result.Length - name.Length));
        return result;
    }

    /// <summary>Absolute and cleaned (no ".", "..", repeated or trailing slashes), like Go filepath.Abs + Clean.</summary>
    public static byte[] GetFullPath(string path) => GetFullPath(FromString(path));

    /// <summary>Raw-byte form of <see cref="GetFullPath(string)"/>; a relative path is resolved against the current directory.</summary>
    public static byte[] GetFullPath(ReadOnlySpan<byte> path)
    {
        if (IsAbsolute(path))
        {
            return Clean(path);
        }
        return Clean(Join(Posix.GetCurrentDirectory(), path));
    }

    public static bool IsAbsolute(ReadOnlySpan<byte> path) => !path.IsEmpty && path[0] == Slash;

    /// <summary>
    /// Lexical clean like Go path.Clean: collapses repeated slashes, removes "." and resolves ".." against the
    /// preceding element; ".." at the root of an absolute path is dropped. Empty becomes ".".
    /// </summary>
    public static byte[] Clean(ReadOnlySpan<byte> path)
    {
        if (path.IsEmpty)
        {
            return [Dot];
        }
        bool rooted = path[0] == Slash;
        var output = new List<Range>();
        int i = 0;
        while (i < path.Length)
        {
            if (path[i] == Slash)
            {
                i++;
                continue;
            }
            int end = path[i..].IndexOf(Slash);
            end = end < 0 ? path.Length : i + end;
            ReadOnlySpan<byte> element = path[i..end];
            if (element is [Dot])
            {
                // skip
            }
            else if (element is [Dot, Dot])
            {
                if (output.Count > 0 && !path[output[^1]].SequenceEqual(".."u8))
                {
                    output.RemoveAt(output.Count - 1);
                }
                else if (!rooted)
                {
                    output.Add(i..end);
                }
            }
            else
            {
                output.Add(i..end);
            }
            i = end;
        }

        var result = new ArrayBufferWriter<byte>(path.Length + 1);
        if (rooted)
        {
            result.Write([Slash]);
        }
        for (int k = 0; k < output.Count; k++)
        {
            if (k > 0)
            {
                result.Write([Slash]);
            }
            result.Write(path[output[k]]);
        }
        return result.WrittenCount == 0 ? [Dot] : result.WrittenSpan.ToArray();
    }

    /// <summary>The non-empty components of a path: "/a/b/c" gives ["a", "b", "c"]; "/" gives [].</summary>
    public static List<byte[]> Split(ReadOnlySpan<byte> absolutePath)
    {
        var parts = new List<byte[]>();
        foreach (Range range in absolutePath.Split(Slash))
        {
            ReadOnlySpan<byte> part = absolutePath[range];
            if (!part.IsEmpty)
            {
                parts.Add(part.ToArray());
            }
        }
        return parts;
    }

    /// <summary>The last component (trailing slashes ignored): "/a/b" gives "b"; "/" gives "/".</summary>
    public static byte[] GetFileName(ReadOnlySpan<byte> path)
    {
        ReadOnlySpan<byte> trimmed = path.TrimEnd(Slash);
        if (trimmed.IsEmpty)
        {
            return path.IsEmpty ? [] : [Slash];
        }
        return trimmed[(trimmed.LastIndexOf(Slash) + 1)..].ToArray();
    }

    /// <summary>The path without its last component, like Go filepath.Dir: "/a/b" gives "/a"; "/a" gives "/"; "a" gives ".".</summary>
    public static byte[] GetDirectoryName(ReadOnlySpan<byte> path)
    {
        int slash = path.LastIndexOf(Slash);
        return Clean(slash < 0 ? ReadOnlySpan<byte>.Empty : path[..(slash + 1)]);
    }
}
