using System.Runtime.CompilerServices;
using System.Text.Json;
using Coffre.Model;

namespace Coffre.Storage.Rest;

/// <summary>
/// Reads a REST v2 listing (<c>[{"name":"…","size":N}, …]</c>) as it arrives, in a fixed buffer: memory stays
/// bounded whatever the server sends (an endless listing streams; an entry longer than
/// <see cref="MaxEntryBytes"/> is an error). Names that are not 64 lowercase hex digits are left out, as local
/// listing leaves out temp files.
/// </summary>
internal static class RestListing
{
    public const int MaxEntryBytes = 64 * 1024;

    private enum Phase { Start, InArray, Done }

    public static async IAsyncEnumerable<StorageEntry> ReadAsync(Stream body, string what, [EnumeratorCancellation] CancellationToken ct)
    {
        var buffer = new byte[MaxEntryBytes];
        var filled = 0;
        var final = false;
        var state = new JsonReaderState();
        var phase = Phase.Start;
        var entries = new List<StorageEntry>();
        while (phase != Phase.Done)
        {
            if (!final && filled < buffer.Length)
            {
                var n = await body.ReadAsync(buffer.AsMemory(filled), ct).ConfigureAwait(false);
                if (n == 0) final = true;
                filled += n;
            }
            int consumed;
            try { consumed = Parse(buffer.AsSpan(0, filled), final, ref state, ref phase, entries); }
            catch (JsonException e) { throw new IOException($"{what}: the server's listing is not valid JSON ({e.Message})", e); }
            foreach (var e in entries) yield return e;
            entries.Clear();
            if (phase == Phase.Done) yield break;
            if (consumed == 0 && final) throw new IOException($"{what}: the server's listing ends in the middle");
            if (consumed == 0 && filled == buffer.Length)
                throw new IOException($"{what}: the server's listing has an entry longer than {MaxEntryBytes / 1024} KiB");
            buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
            filled -= consumed;
        }
    }

    /// <summary>Reads every whole entry in <paramref name="data"/>; returns the bytes consumed.</summary>
    private static int Parse(ReadOnlySpan<byte> data, bool final, ref JsonReaderState state, ref Phase phase, List<StorageEntry> entries)
    {
        var reader = new Utf8JsonReader(data, final, state);
        if (phase == Phase.Start)
        {
            if (!reader.Read()) return 0;
            if (reader.TokenType != JsonTokenType.StartArray) throw new JsonException("expected a JSON array");
            phase = Phase.InArray;
        }
        while (true)
        {
            var before = reader.CurrentState;
            var consumed = (int)reader.BytesConsumed;
            if (!reader.Read()) return Save(ref state, before, consumed);
            if (reader.TokenType == JsonTokenType.EndArray)
            {
                phase = Phase.Done;
                return (int)reader.BytesConsumed;
            }
            if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException("expected an object per entry");
            var probe = reader;
            if (!probe.TrySkip()) return Save(ref state, before, consumed);
            if (ReadEntry(ref reader) is { } entry) entries.Add(entry);
        }
    }

    private static int Save(ref JsonReaderState state, JsonReaderState before, int consumed)
    {
        state = before;
        return consumed;
    }

    /// <summary>One whole entry (all its bytes are in the buffer); null when its name is not an object name.</summary>
    private static StorageEntry? ReadEntry(ref Utf8JsonReader reader)
    {
        string? name = null;
        long? size = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var property = reader.ValueTextEquals("name"u8) ? "name" : reader.ValueTextEquals("size"u8) ? "size" : null;
            reader.Read();
            if (property == "name" && reader.TokenType == JsonTokenType.String) name = reader.GetString();
            else if (property == "size" && reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var s)) size = s;
            else if (property is not null) throw new JsonException($"entry field {property} has the wrong type");
            else if (!reader.TrySkip()) throw new JsonException("an entry ends early"); // cannot happen: the whole entry is buffered
        }
        if (size is null or < 0) throw new JsonException("an entry has no valid size");
        return name is not null && BlobId.IsIdName(name) ? new StorageEntry(name, size.Value) : null;
    }
}
