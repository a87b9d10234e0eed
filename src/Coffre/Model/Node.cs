using System.Text;
using Coffre.Model.Json;

namespace Coffre.Model;

/// <summary>One entry of a tree (restic's <c>data.Node</c>). See the format doc §8 for how each field is serialised.</summary>
public sealed class Node
{
    /// <summary>The raw file name bytes (Linux names need not be UTF-8).</summary>
    public required byte[] Name { get; set; }

    public NodeType Type { get; set; }

    /// <summary>Go <c>os.FileMode</c> (see <see cref="GoFileMode"/>).</summary>
    public uint Mode { get; set; }

    public GoTime ModTime { get; set; } = GoTime.Zero;
    public GoTime AccessTime { get; set; } = GoTime.Zero;
    public GoTime ChangeTime { get; set; } = GoTime.Zero;

    public uint Uid { get; set; }
    public uint Gid { get; set; }
    public string? User { get; set; }
    public string? Group { get; set; }
    public ulong Inode { get; set; }

    /// <summary><c>st_dev</c> of the file (JSON <c>device_id</c>).</summary>
    public ulong DeviceId { get; set; }

    public ulong Size { get; set; }
    public ulong Links { get; set; }

    /// <summary>Raw symlink target bytes.</summary>
    public byte[]? LinkTarget { get; set; }

    public List<ExtendedAttribute>? ExtendedAttributes { get; set; }

    /// <summary>Raw JSON values by attribute name (e.g. <c>windows.creation_time</c>), kept opaque.</summary>
    public Dictionary<string, byte[]>? GenericAttributes { get; set; }

    /// <summary><c>st_rdev</c> for device nodes (JSON <c>device</c>).</summary>
    public ulong Device { get; set; }

    /// <summary>Data blob IDs of a file, in file order.</summary>
    public List<BlobId>? Content { get; set; }

    /// <summary>Tree ID of a directory.</summary>
    public BlobId? Subtree { get; set; }

    public string? Error { get; set; }

    /// <summary>The name for display: UTF-8 decoded, each invalid byte shown as <c>\xNN</c>.</summary>
    public string DisplayName => ToDisplayString(Name);

    /// <summary>Decodes raw bytes as UTF-8, showing each invalid byte as <c>\xNN</c> (Go Quote style).</summary>
    public static string ToDisplayString(ReadOnlySpan<byte> raw)
    {
        if (GoUtf8.IsValid(raw)) return Encoding.UTF8.GetString(raw);
        var sb = new StringBuilder(raw.Length + 8);
        var start = 0;
        var i = 0;
        while (i < raw.Length)
        {
            if (raw[i] < 0x80)
            {
                i++;
                continue;
            }
            GoUtf8.DecodeRune(raw[i..], out var size);
            if (size > 1)
            {
                i += size;
                continue;
            }
            sb.Append(Encoding.UTF8.GetString(raw[start..i]));
            sb.Append("\\x").Append(raw[i].ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            i++;
            start = i;
        }
        sb.Append(Encoding.UTF8.GetString(raw[start..]));
        return sb.ToString();
    }

    public override string ToString() => $"{Type.ToJsonName()} {DisplayName}";
}
