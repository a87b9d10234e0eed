using Coffre.Model;
using Coffre.Model.Json;

namespace Coffre.Repository.Index;

/// <summary>Where one blob lives: the pack (by position in the pack table) and its place in it.</summary>
public readonly record struct BlobLocation(int PackOrdinal, BlobType Type, uint Offset, uint Length, uint UncompressedLength)
{
    /// <summary>The plaintext size of the blob.</summary>
    public uint PlainLength => UncompressedLength != 0 ? UncompressedLength : Length - Coffre.Repository.Crypto.CryptoKey.Overhead;
}

/// <summary>
/// Every blob the repository's index files describe, held compactly: one 32-byte key and one 20-byte value per blob,
/// pack IDs stored once in a table. Thread-safe: the archiver adds packs while readers look blobs up.
/// A blob can be in several packs (a repair or an interrupted run stored it again): every copy is kept, so that a
/// reader can fall back to another one when a copy is proven damaged (<see cref="MarkBad"/>), as restic does.
/// </summary>
public sealed class MasterIndex
{
    private readonly Dictionary<BlobId, BlobLocation> _blobs = [];
    // Further copies of blobs stored in more than one pack (rare: kept apart so the common case stays compact).
    private readonly Dictionary<BlobId, List<BlobLocation>> _copies = [];
    private readonly List<BlobId> _packs = [];
    private readonly Dictionary<BlobId, int> _packOrdinals = [];
    // Copies proven damaged (a MAC or hash failure, a missing or short pack): by pack ordinal, or one blob of a pack.
    private readonly HashSet<int> _badPacks = [];
    private readonly HashSet<(BlobId Blob, int Pack)> _badBlobs = [];
    private readonly Lock _lock = new();

    public int BlobCount { get { lock (_lock) return _blobs.Count; } }
    public int PackCount { get { lock (_lock) return _packs.Count; } }

    public void Add(BlobId packId, IEnumerable<IndexBlob> blobs)
    {
        lock (_lock)
        {
            var ord = OrdinalOf(packId);
            foreach (var b in blobs) AddLocked(b, ord);
        }
    }

    public void Add(BlobId packId, in IndexBlob blob)
    {
        lock (_lock) AddLocked(blob, OrdinalOf(packId));
    }

    private void AddLocked(in IndexBlob b, int ord)
    {
        var loc = new BlobLocation(ord, b.Type, b.Offset, b.Length, b.UncompressedLength);
        if (_blobs.TryAdd(b.Id, loc) || _blobs[b.Id].PackOrdinal == ord) return;
        if (!_copies.TryGetValue(b.Id, out var more)) _copies.Add(b.Id, more = []);
        if (!more.Exists(m => m.PackOrdinal == ord)) more.Add(loc);
    }

    private int OrdinalOf(BlobId packId)
    {
        if (_packOrdinals.TryGetValue(packId, out var ord)) return ord;
        ord = _packs.Count;
        _packs.Add(packId);
        _packOrdinals.Add(packId, ord);
        return ord;
    }

    /// <summary>
    /// Whether the repository holds a usable copy of the blob: indexed, and not every copy proven damaged. This is
    /// the backup's dedup question: a blob whose only copies are damaged is stored again.
    /// </summary>
    public bool Has(BlobId id) { lock (_lock) return TryGetGoodLocked(id, out _); }

    /// <summary>Whether the index names the blob at all, damaged or not.</summary>
    public bool IsIndexed(BlobId id) { lock (_lock) return _blobs.ContainsKey(id); }

    /// <summary>A usable copy of the blob (one not proven damaged), or false.</summary>
    public bool TryGet(BlobId id, out BlobLocation location) { lock (_lock) return TryGetGoodLocked(id, out location); }

    private bool TryGetGoodLocked(BlobId id, out BlobLocation location)
    {
        if (_blobs.TryGetValue(id, out location))
        {
            if (_badPacks.Count == 0 && _badBlobs.Count == 0) return true;
            if (!IsBadLocked(id, location)) return true;
            if (_copies.TryGetValue(id, out var more))
                foreach (var m in more)
                    if (!IsBadLocked(id, m))
                    {
                        location = m;
                        return true;
                    }
        }
        location = default;
        return false;
    }

    private bool IsBadLocked(BlobId id, in BlobLocation loc) => _badPacks.Contains(loc.PackOrdinal) || _badBlobs.Contains((id, loc.PackOrdinal));

    /// <summary>Every copy of a blob the index names: (pack, entry), the one read first first.</summary>
    public List<(BlobId Pack, IndexBlob Entry)> Copies(BlobId id)
    {
        lock (_lock)
        {
            var list = new List<(BlobId, IndexBlob)>();
            if (!_blobs.TryGetValue(id, out var first)) return list;
            list.Add((_packs[first.PackOrdinal], Entry(id, first)));
            if (_copies.TryGetValue(id, out var more)) foreach (var m in more) list.Add((_packs[m.PackOrdinal], Entry(id, m)));
            return list;
        }
    }

    private static IndexBlob Entry(BlobId id, in BlobLocation loc) => new(id, loc.Type, loc.Offset, loc.Length, loc.UncompressedLength);

    /// <summary>
    /// Records that a copy is damaged: the whole pack (<paramref name="blob"/> null: missing, cut short, unreadable
    /// header) or one blob of it. Readers and the backup's dedup then use another copy, or none.
    /// </summary>
    public void MarkBad(BlobId pack, BlobId? blob)
    {
        lock (_lock)
        {
            if (!_packOrdinals.TryGetValue(pack, out var ord)) return;
            if (blob is { } b) _badBlobs.Add((b, ord));
            else _badPacks.Add(ord);
        }
    }

    /// <summary>Whether a copy (blob in pack) has been proven damaged.</summary>
    public bool IsBad(BlobId pack, BlobId blob)
    {
        lock (_lock) return _packOrdinals.TryGetValue(pack, out var ord) && (_badPacks.Contains(ord) || _badBlobs.Contains((blob, ord)));
    }

    public BlobId PackId(int ordinal) { lock (_lock) return _packs[ordinal]; }

    public bool HasPack(BlobId packId) { lock (_lock) return _packOrdinals.ContainsKey(packId); }

    public IReadOnlyList<BlobId> Packs() { lock (_lock) return [.. _packs]; }

    /// <summary>The index entry of a usable copy of a blob, with its pack ID (for reading it).</summary>
    public bool TryGetEntry(BlobId id, out BlobId packId, out IndexBlob entry)
    {
        lock (_lock)
        {
            if (!TryGetGoodLocked(id, out var loc))
            {
                packId = default;
                entry = default;
                return false;
            }
            packId = _packs[loc.PackOrdinal];
            entry = new IndexBlob(id, loc.Type, loc.Offset, loc.Length, loc.UncompressedLength);
            return true;
        }
    }
}
