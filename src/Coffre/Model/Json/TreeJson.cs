using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Coffre.Model.Json;

/// <summary>
/// Tree blob JSON exactly as restic writes it: <c>{"nodes":[...]}</c> plus a newline, nodes sorted by raw
/// name bytes, each node in Go <c>json.Marshal</c> field order with restic's <c>omitempty</c> set (format doc §8).
/// </summary>
public static class TreeJson
{
    /// <summary>Go string order: ordinal comparison of the raw bytes (result is -1, 0 or 1).</summary>
    public static int CompareNames(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) => Math.Sign(a.SequenceCompareTo(b));

    /// <summary>Serialises a tree; the input is not modified. Throws <see cref="ArgumentException"/> on duplicate names.</summary>
    public static byte[] Serialize(IReadOnlyList<Node> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        var sorted = new Node[nodes.Count];
        for (var i = 0; i < sorted.Length; i++) sorted[i] = nodes[i] ?? throw new ArgumentException("null node", nameof(nodes));
        Array.Sort(sorted, static (x, y) => CompareNames(x.Name, y.Name));
        for (var i = 1; i < sorted.Length; i++)
        {
            if (CompareNames(sorted[i - 1].Name, sorted[i].Name) == 0)
                throw new ArgumentException($"duplicate name in tree: '{sorted[i].DisplayName}'", nameof(nodes));
        }

        var w = new GoJsonWriter(64 + 320 * sorted.Length);
        var scratch = new ArrayBufferWriter<byte>(64);
        w.WriteStartObject();
        w.WritePropertyName("nodes");
        w.WriteStartArray();
        foreach (var node in sorted) WriteNode(w, node, scratch);
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteNewline();
        return w.ToArray();
    }

    /// <summary>Writes one node as Go's <c>json.Marshal(node)</c> would.</summary>
    public static void WriteNode(GoJsonWriter w, Node node) => WriteNode(w, node, new ArrayBufferWriter<byte>(64));

    private static void WriteNode(GoJsonWriter w, Node node, ArrayBufferWriter<byte> scratch)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(node);
        w.WriteStartObject();

        w.WritePropertyName("name");
        scratch.Clear();
        GoQuote.AppendQuoted(scratch, node.Name ?? []);
        w.WriteStringUtf8(scratch.WrittenSpan);

        w.WritePropertyName("type");
        w.WriteStringUtf8(NodeTypeNames.ToUtf8(node.Type));

        if (node.Mode != 0)
        {
            w.WritePropertyName("mode");
            w.WriteNumber((ulong)node.Mode);
        }
        w.WritePropertyName("mtime");
        w.WriteTime(node.ModTime);
        w.WritePropertyName("atime");
        w.WriteTime(node.AccessTime);
        w.WritePropertyName("ctime");
        w.WriteTime(node.ChangeTime);
        w.WritePropertyName("uid");
        w.WriteNumber((ulong)node.Uid);
        w.WritePropertyName("gid");
        w.WriteNumber((ulong)node.Gid);
        if (!string.IsNullOrEmpty(node.User))
        {
            w.WritePropertyName("user");
            w.WriteString(node.User);
        }
        if (!string.IsNullOrEmpty(node.Group))
        {
            w.WritePropertyName("group");
            w.WriteString(node.Group);
        }
        WriteUnlessZero(w, "inode", node.Inode);
        WriteUnlessZero(w, "device_id", node.DeviceId);
        WriteUnlessZero(w, "size", node.Size);
        WriteUnlessZero(w, "links", node.Links);
        if (node.LinkTarget is { Length: > 0 } target)
        {
            w.WritePropertyName("linktarget");
            w.WriteStringUtf8(target);
            if (!GoUtf8.IsValid(target))
            {
                w.WritePropertyName("linktarget_raw");
                w.WriteBase64String(target);
            }
        }
        if (node.ExtendedAttributes is { Count: > 0 } xattrs)
        {
            w.WritePropertyName("extended_attributes");
            w.WriteStartArray();
            foreach (var xa in xattrs)
            {
                w.WriteStartObject();
                w.WritePropertyName("name");
                w.WriteString(xa.Name);
                w.WritePropertyName("value");
                if (xa.Value is null) w.WriteNull();
                else w.WriteBase64String(xa.Value);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        }
        if (node.GenericAttributes is { Count: > 0 } generic)
        {
            // Go sorts map keys by their UTF-8 bytes.
            var keys = generic.Keys.Select(k => (Key: k, Utf8: Encoding.UTF8.GetBytes(k))).ToArray();
            Array.Sort(keys, static (x, y) => CompareNames(x.Utf8, y.Utf8));
            w.WritePropertyName("generic_attributes");
            w.WriteStartObject();
            foreach (var (key, utf8) in keys)
            {
                w.WritePropertyNameUtf8(utf8);
                w.WriteRawCompacted(generic[key] ?? []);
            }
            w.WriteEndObject();
        }
        WriteUnlessZero(w, "device", node.Device);

        w.WritePropertyName("content");
        if (node.Content is { Count: > 0 } content)
        {
            w.WriteStartArray();
            foreach (var id in content) w.WriteId(id);
            w.WriteEndArray();
        }
        else if (node.Type == NodeType.File || node.Content != null)
        {
            w.WriteStartArray();
            w.WriteEndArray();
        }
        else
        {
            w.WriteNull();
        }

        if (node.Subtree is { } subtree)
        {
            w.WritePropertyName("subtree");
            w.WriteId(subtree);
        }
        if (!string.IsNullOrEmpty(node.Error))
        {
            w.WritePropertyName("error");
            w.WriteString(node.Error);
        }
        w.WriteEndObject();
    }

    private static void WriteUnlessZero(GoJsonWriter w, string name, ulong value)
    {
        if (value == 0) return;
        w.WritePropertyName(name);
        w.WriteNumber(value);
    }

    /// <summary>
    /// Parses tree JSON (compact or pretty, unknown keys ignored, keys matched case-insensitively). Names are
    /// unquoted to raw bytes; <c>linktarget_raw</c> wins over <c>linktarget</c>. Nodes are returned in stored order.
    /// A child name that is not a plain file name (<see cref="NodeName.IsValid"/>) or that appears twice makes the
    /// whole tree unusable: <see cref="InvalidTreeException"/>.
    /// </summary>
    public static List<Node> Parse(ReadOnlySpan<byte> json)
    {
        var nodes = ParseNodes(json);
        ValidateNames(nodes);
        return nodes;
    }

    /// <summary>Refuses a name that could leave its folder and two children of one name (restic: "invalid child node name").</summary>
    private static void ValidateNames(List<Node> nodes)
    {
        var sorted = true;
        for (var i = 0; i < nodes.Count; i++)
        {
            if (!NodeName.IsValid(nodes[i].Name))
                throw new InvalidTreeException($"invalid child node name {NodeName.Quote(nodes[i].Name)}");
            if (i > 0 && CompareNames(nodes[i - 1].Name, nodes[i].Name) >= 0) sorted = false;
        }
        if (sorted) return;
        var names = nodes.Select(n => n.Name).ToArray();
        Array.Sort(names, static (x, y) => CompareNames(x, y));
        for (var i = 1; i < names.Length; i++)
            if (CompareNames(names[i - 1], names[i]) == 0)
                throw new InvalidTreeException($"duplicate child node name {NodeName.Quote(names[i])}");
    }

    private static List<Node> ParseNodes(ReadOnlySpan<byte> json)
    {
        try
        {
            var r = JsonRead.Create(json);
            JsonRead.StartObject(ref r, "tree");
            var nodes = new List<Node>();
            while (JsonRead.NextProperty(ref r))
            {
                var isNodes = JsonRead.NameIs(ref r, "nodes"u8);
                JsonRead.Next(ref r);
                if (!isNodes)
                {
                    r.Skip();
                    continue;
                }
                nodes.Clear(); // a duplicate key takes the last value
                if (r.TokenType == JsonTokenType.Null) continue;
                if (r.TokenType != JsonTokenType.StartArray) throw JsonRead.Mismatch("nodes", "an array");
                while (true)
                {
                    JsonRead.Next(ref r);
                    if (r.TokenType == JsonTokenType.EndArray) break;
                    if (r.TokenType == JsonTokenType.Null) continue;
                    nodes.Add(ParseNode(ref r, json));
                }
            }
            return nodes;
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            throw JsonRead.Wrap("tree", e);
        }
    }

    /// <summary>Parses one node object; the reader is on its <c>StartObject</c>.</summary>
    private static Node ParseNode(ref Utf8JsonReader r, ReadOnlySpan<byte> json)
    {
        if (r.TokenType != JsonTokenType.StartObject) throw JsonRead.Mismatch("nodes", "an array of objects");
        var node = new Node { Name = [] };
        byte[]? linkTargetRaw = null;
        while (JsonRead.NextProperty(ref r))
        {
            var field = Field(ref r);
            JsonRead.Next(ref r);
            if (field == F.Unknown)
            {
                r.Skip();
                continue;
            }
            if (r.TokenType == JsonTokenType.Null && field != F.GenericAttributes)
            {
                // Go leaves the field untouched (pointers/slices become nil).
                switch (field)
                {
                    case F.Content: node.Content = null; break;
                    case F.Subtree: node.Subtree = null; break;
                    case F.LinkTargetRaw: linkTargetRaw = null; break;
                    case F.ExtendedAttributes: node.ExtendedAttributes = null; break;
                }
                continue;
            }
            switch (field)
            {
                case F.Name:
                    node.Name = GoQuote.Unquote(JsonRead.StringBytes(ref r, "name"));
                    break;
                case F.Type:
                    var t = JsonRead.StringBytes(ref r, "type");
                    if (!NodeTypeNames.TryParse(t, out var type))
                        throw new InvalidDataException($"unknown node type '{Encoding.UTF8.GetString(t)}'");
                    node.Type = type;
                    break;
                case F.Mode: node.Mode = JsonRead.UInt32(ref r, "mode"); break;
                case F.MTime: node.ModTime = JsonRead.Time(ref r, "mtime"); break;
                case F.ATime: node.AccessTime = JsonRead.Time(ref r, "atime"); break;
                case F.CTime: node.ChangeTime = JsonRead.Time(ref r, "ctime"); break;
                case F.Uid: node.Uid = JsonRead.UInt32(ref r, "uid"); break;
                case F.Gid: node.Gid = JsonRead.UInt32(ref r, "gid"); break;
                case F.User: node.User = JsonRead.String(ref r, "user"); break;
                case F.Group: node.Group = JsonRead.String(ref r, "group"); break;
                case F.Inode: node.Inode = JsonRead.UInt64(ref r, "inode"); break;
                case F.DeviceId: node.DeviceId = JsonRead.UInt64(ref r, "device_id"); break;
                case F.Size: node.Size = JsonRead.UInt64(ref r, "size"); break;
                case F.Links: node.Links = JsonRead.UInt64(ref r, "links"); break;
                case F.LinkTarget: node.LinkTarget = JsonRead.StringBytes(ref r, "linktarget").ToArray(); break;
                case F.LinkTargetRaw:
                    try
                    {
                        linkTargetRaw = JsonRead.Base64Bytes(ref r, "linktarget_raw");
                    }
                    catch (InvalidDataException)
                    {
                        // restic ignores a broken linktarget_raw and keeps linktarget
                    }
                    break;
                case F.ExtendedAttributes: node.ExtendedAttributes = ParseXattrs(ref r); break;
                case F.GenericAttributes: node.GenericAttributes = ParseGeneric(ref r, json); break;
                case F.Device: node.Device = JsonRead.UInt64(ref r, "device"); break;
                case F.Content:
                    if (r.TokenType != JsonTokenType.StartArray) throw JsonRead.Mismatch("content", "an array");
                    var content = new List<BlobId>();
                    while (true)
                    {
                        JsonRead.Next(ref r);
                        if (r.TokenType == JsonTokenType.EndArray) break;
                        content.Add(r.TokenType == JsonTokenType.Null ? default : JsonRead.Id(ref r, "content"));
                    }
                    node.Content = content;
                    break;
                case F.Subtree: node.Subtree = JsonRead.Id(ref r, "subtree"); break;
                case F.Error: node.Error = JsonRead.String(ref r, "error"); break;
            }
        }
        if (linkTargetRaw != null) node.LinkTarget = linkTargetRaw;
        return node;
    }

    private static List<ExtendedAttribute> ParseXattrs(ref Utf8JsonReader r)
    {
        if (r.TokenType != JsonTokenType.StartArray) throw JsonRead.Mismatch("extended_attributes", "an array");
        var list = new List<ExtendedAttribute>();
        while (true)
        {
            JsonRead.Next(ref r);
            if (r.TokenType == JsonTokenType.EndArray) return list;
            if (r.TokenType == JsonTokenType.Null) continue;
            if (r.TokenType != JsonTokenType.StartObject) throw JsonRead.Mismatch("extended_attributes", "an array of objects");
            var name = "";
            byte[] value = [];
            while (JsonRead.NextProperty(ref r))
            {
                var isName = JsonRead.NameIs(ref r, "name"u8);
                var isValue = !isName && JsonRead.NameIs(ref r, "value"u8);
                JsonRead.Next(ref r);
                if (r.TokenType == JsonTokenType.Null && (isName || isValue)) continue;
                if (isName) name = JsonRead.String(ref r, "extended_attributes.name");
                else if (isValue) value = JsonRead.Base64Bytes(ref r, "extended_attributes.value");
                else r.Skip();
            }
            list.Add(new ExtendedAttribute(name, value));
        }
    }

    private static Dictionary<string, byte[]>? ParseGeneric(ref Utf8JsonReader r, ReadOnlySpan<byte> json)
    {
        if (r.TokenType == JsonTokenType.Null) return null;
        if (r.TokenType != JsonTokenType.StartObject) throw JsonRead.Mismatch("generic_attributes", "an object");
        var map = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        while (JsonRead.NextProperty(ref r))
        {
            var key = r.GetString() ?? "";
            JsonRead.Next(ref r);
            var start = (int)r.TokenStartIndex;
            r.Skip();
            var end = (int)r.BytesConsumed;
            map[key] = json[start..end].ToArray();
        }
        return map;
    }

    private enum F
    {
        Unknown, Name, Type, Mode, MTime, ATime, CTime, Uid, Gid, User, Group, Inode, DeviceId, Size, Links,
        LinkTarget, LinkTargetRaw, ExtendedAttributes, GenericAttributes, Device, Content, Subtree, Error,
    }

    private static F Field(ref Utf8JsonReader r)
    {
        if (JsonRead.NameIs(ref r, "name"u8)) return F.Name;
        if (JsonRead.NameIs(ref r, "type"u8)) return F.Type;
        if (JsonRead.NameIs(ref r, "mode"u8)) return F.Mode;
        if (JsonRead.NameIs(ref r, "mtime"u8)) return F.MTime;
        if (JsonRead.NameIs(ref r, "atime"u8)) return F.ATime;
        if (JsonRead.NameIs(ref r, "ctime"u8)) return F.CTime;
        if (JsonRead.NameIs(ref r, "uid"u8)) return F.Uid;
        if (JsonRead.NameIs(ref r, "gid"u8)) return F.Gid;
        if (JsonRead.NameIs(ref r, "user"u8)) return F.User;
        if (JsonRead.NameIs(ref r, "group"u8)) return F.Group;
        if (JsonRead.NameIs(ref r, "inode"u8)) return F.Inode;
        if (JsonRead.NameIs(ref r, "device_id"u8)) return F.DeviceId;
        if (JsonRead.NameIs(ref r, "size"u8)) return F.Size;
        if (JsonRead.NameIs(ref r, "links"u8)) return F.Links;
        if (JsonRead.NameIs(ref r, "linktarget"u8)) return F.LinkTarget;
        if (JsonRead.NameIs(ref r, "linktarget_raw"u8)) return F.LinkTargetRaw;
        if (JsonRead.NameIs(ref r, "extended_attributes"u8)) return F.ExtendedAttributes;
        if (JsonRead.NameIs(ref r, "generic_attributes"u8)) return F.GenericAttributes;
        if (JsonRead.NameIs(ref r, "device"u8)) return F.Device;
        if (JsonRead.NameIs(ref r, "content"u8)) return F.Content;
        if (JsonRead.NameIs(ref r, "subtree"u8)) return F.Subtree;
        if (JsonRead.NameIs(ref r, "error"u8)) return F.Error;
        return F.Unknown;
    }
}
