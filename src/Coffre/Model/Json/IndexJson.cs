using System.Text.Json;

namespace Coffre.Model.Json;

/// <summary>
/// Index file JSON (format doc §7): written like Go's <c>json.Encoder</c> (compact plus a newline),
/// read in a streaming fashion without per-blob allocations.
/// </summary>
public static class IndexJson
{
    /// <summary>
    /// The largest stored or plaintext length a blob may claim (1 GiB). A data blob is at most 8 MiB (the chunker's
    /// maximum) and a tree blob grows with its folder, so a bigger claim is forged or damaged: it would make a
    /// reader allocate without bound.
    /// </summary>
    public const uint MaxBlobLength = 1u << 30;

    /// <summary>Sealed bytes every blob has beyond its content: IV and MAC.</summary>
    private const uint SealOverhead = 32;

    /// <summary>
    /// Why a blob's place cannot be true, or null when it can: a stored length shorter than the encryption
    /// overhead or above <see cref="MaxBlobLength"/>, a plaintext length above it, an end beyond 4 GiB.
    /// Shared by the index reader and the pack header reader.
    /// </summary>
    public static string? CheckBounds(in IndexBlob b)
    {
        if (b.Length < SealOverhead) return $"blob {b.Id.ToShortString()} has length {b.Length}, shorter than its encryption overhead ({SealOverhead} bytes)";
        if (b.Length > MaxBlobLength) return $"blob {b.Id.ToShortString()} has length {b.Length}, more than the {MaxBlobLength >> 20} MiB a blob may have";
        if (b.UncompressedLength > MaxBlobLength) return $"blob {b.Id.ToShortString()} has uncompressed length {b.UncompressedLength}, more than the {MaxBlobLength >> 20} MiB a blob may have";
        if ((ulong)b.Offset + b.Length > uint.MaxValue) return $"blob {b.Id.ToShortString()} ends at {(ulong)b.Offset + b.Length}, beyond what a pack can hold (4 GiB)";
        return null;
    }

    public static byte[] Serialize(IEnumerable<IndexPack> packs)
    {
        ArgumentNullException.ThrowIfNull(packs);
        var w = new GoJsonWriter(4096);
        w.WriteStartObject();
        w.WritePropertyName("packs");
        w.WriteStartArray();
        foreach (var pack in packs)
        {
            w.WriteStartObject();
            w.WritePropertyName("id");
            w.WriteId(pack.PackId);
            w.WritePropertyName("blobs");
            w.WriteStartArray();
            foreach (var b in pack.Blobs)
            {
                w.WriteStartObject();
                w.WritePropertyName("id");
                w.WriteId(b.Id);
                w.WritePropertyName("type");
                w.WriteStringUtf8(b.Type switch
                {
                    BlobType.Data => "data"u8,
                    BlobType.Tree => "tree"u8,
                    _ => throw new ArgumentException($"invalid blob type {b.Type}", nameof(packs)),
                });
                w.WritePropertyName("offset");
                w.WriteNumber((ulong)b.Offset);
                w.WritePropertyName("length");
                w.WriteNumber((ulong)b.Length);
                if (b.UncompressedLength != 0)
                {
                    w.WritePropertyName("uncompressed_length");
                    w.WriteNumber((ulong)b.UncompressedLength);
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteNewline();
        return w.ToArray();
    }

    /// <summary>
    /// Streams every blob of an index to <paramref name="onBlob"/>. Unknown keys (including the obsolete
    /// <c>supersedes</c>) are ignored and keys may come in any order. Throws <see cref="InvalidDataException"/> on
    /// malformed input, a blob type other than <c>data</c>/<c>tree</c>, or a pack/blob without an ID.
    /// </summary>
    public static void Parse(ReadOnlySpan<byte> json, Action<BlobId, IndexBlob> onBlob)
    {
        ArgumentNullException.ThrowIfNull(onBlob);
        try
        {
            var r = JsonRead.Create(json);
            JsonRead.Next(ref r);
            if (r.TokenType == JsonTokenType.StartArray)
                throw new InvalidDataException("index uses the old (restic 0.1) array format, which is not supported");
            if (r.TokenType != JsonTokenType.StartObject) throw new InvalidDataException("index: expected a JSON object");
            while (JsonRead.NextProperty(ref r))
            {
                var isPacks = JsonRead.NameIs(ref r, "packs"u8);
                JsonRead.Next(ref r);
                if (!isPacks || r.TokenType == JsonTokenType.Null)
                {
                    r.Skip();
                    continue;
                }
                if (r.TokenType != JsonTokenType.StartArray) throw JsonRead.Mismatch("packs", "an array");
                while (true)
                {
                    JsonRead.Next(ref r);
                    if (r.TokenType == JsonTokenType.EndArray) break;
                    if (r.TokenType == JsonTokenType.Null) continue;
                    ParsePack(ref r, onBlob);
                }
            }
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            throw JsonRead.Wrap("index", e);
        }
    }

    /// <summary>Convenience: collects the whole index into packs (allocates per blob).</summary>
    public static List<IndexPack> ParsePacks(ReadOnlySpan<byte> json)
    {
        var packs = new List<IndexPack>();
        var byId = new Dictionary<BlobId, List<IndexBlob>>();
        Parse(json, (packId, blob) =>
        {
            if (!byId.TryGetValue(packId, out var list))
            {
                list = [];
                byId.Add(packId, list);
                packs.Add(new IndexPack(packId, list));
            }
            list.Add(blob);
        });
        return packs;
    }

    private static void ParsePack(ref Utf8JsonReader r, Action<BlobId, IndexBlob> onBlob)
    {
        if (r.TokenType != JsonTokenType.StartObject) throw JsonRead.Mismatch("packs", "an array of objects");
        BlobId? packId = null;
        // If "blobs" precedes "id", remember where the array starts (the reader is a struct: copying it
        // saves its position) and replay it once the pack ID is known.
        var pending = default(Utf8JsonReader);
        var hasPending = false;
        while (JsonRead.NextProperty(ref r))
        {
            if (JsonRead.NameIs(ref r, "id"u8))
            {
                JsonRead.Next(ref r);
                if (r.TokenType != JsonTokenType.Null) packId = JsonRead.Id(ref r, "packs.id");
            }
            else if (JsonRead.NameIs(ref r, "blobs"u8))
            {
                JsonRead.Next(ref r);
                if (r.TokenType == JsonTokenType.Null) continue;
                if (packId is { } id)
                {
                    ParseBlobs(ref r, id, onBlob);
                    hasPending = false; // a duplicate key takes the last value
                }
                else
                {
                    pending = r;
                    hasPending = true;
                    r.Skip();
                }
            }
            else
            {
                JsonRead.Next(ref r);
                r.Skip();
            }
        }
        if (!hasPending) return;
        if (packId is not { } pid) throw new InvalidDataException("index: pack without an ID");
        ParseBlobs(ref pending, pid, onBlob);
    }

    private static void ParseBlobs(ref Utf8JsonReader r, BlobId packId, Action<BlobId, IndexBlob> onBlob)
    {
        if (r.TokenType != JsonTokenType.StartArray) throw JsonRead.Mismatch("blobs", "an array");
        while (true)
        {
            JsonRead.Next(ref r);
            if (r.TokenType == JsonTokenType.EndArray) return;
            if (r.TokenType != JsonTokenType.StartObject) throw JsonRead.Mismatch("blobs", "an array of objects");
            BlobId? id = null;
            BlobType? type = null;
            uint offset = 0, length = 0, uncompressed = 0;
            while (JsonRead.NextProperty(ref r))
            {
                var field = 0;
                if (JsonRead.NameIs(ref r, "id"u8)) field = 1;
                else if (JsonRead.NameIs(ref r, "type"u8)) field = 2;
                else if (JsonRead.NameIs(ref r, "offset"u8)) field = 3;
                else if (JsonRead.NameIs(ref r, "length"u8)) field = 4;
                else if (JsonRead.NameIs(ref r, "uncompressed_length"u8)) field = 5;
                JsonRead.Next(ref r);
                if (field == 0 || r.TokenType == JsonTokenType.Null)
                {
                    r.Skip();
                    continue;
                }
                switch (field)
                {
                    case 1: id = JsonRead.Id(ref r, "blobs.id"); break;
                    case 2:
                        var t = JsonRead.StringBytes(ref r, "blobs.type");
                        if (t.SequenceEqual("data"u8)) type = BlobType.Data;
                        else if (t.SequenceEqual("tree"u8)) type = BlobType.Tree;
                        else throw new InvalidDataException($"index: invalid blob type '{System.Text.Encoding.UTF8.GetString(t)}'");
                        break;
                    case 3: offset = JsonRead.UInt32(ref r, "offset"); break;
                    case 4: length = JsonRead.UInt32(ref r, "length"); break;
                    case 5: uncompressed = JsonRead.UInt32(ref r, "uncompressed_length"); break;
                }
            }
            if (id is not { } blobId) throw new InvalidDataException($"index: blob without an ID in pack {packId}");
            if (type is not { } blobType) throw new InvalidDataException($"index: blob {blobId} has no type");
            var blob = new IndexBlob(blobId, blobType, offset, length, uncompressed);
            if (CheckBounds(blob) is { } problem) throw new InvalidDataException($"index: pack {packId.ToShortString()}: {problem}");
            onBlob(packId, blob);
        }
    }
}
