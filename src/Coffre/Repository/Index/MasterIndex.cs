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
/// A blob can be in several packs; the first one seen is kept for reading, all are kept for checks by the checker.
/// </summary>
public sealed class MasterIndex
{
    private readonly Dictionary<BlobId, BlobLocation> _blobs = [];
    private readonly List<BlobId> _packs = [];
    private readonly Dictionary<BlobId, int> _packOrdinals = [];
    private readonly Lock _lock = new();

    public int BlobCount { get { lock (_lock) return _blobs.Count; } }
    public int PackCount { get { lock (_lock) return _packs.Count; } }

    public void Add(BlobId packId, IEnumerable<IndexBlob> blobs)
    {
        lock (_lock)
        {
            var ord = OrdinalOf(packId);
            foreach (var b in blobs)
                _blobs.TryAdd(b.Id, new BlobLocation(ord, b.Type, b.Offset, b.Length, b.UncompressedLength));
        }
    }

    public void Add(BlobId packId, in IndexBlob blob)
    {
        lock (_lock)
            _blobs.TryAdd(blob.Id, new BlobLocation(OrdinalOf(packId), blob.Type, blob.Offset, blob.Length, blob.UncompressedLength));
    }

    private int OrdinalOf(BlobId packId)
    {
        if (_packOrdinals.TryGetValue(packId, out var ord)) return ord;
        ord = _packs.Count;
        _packs.Add(packId);
        _packOrdinals.Add(packId, ord);
        return ord;
    }

    public bool Has(BlobId id) { lock (_lock) return _blobs.ContainsKey(id); }

    public bool TryGet(BlobId id, out BlobLocation location) { lock (_lock) return _blobs.TryGetValue(id, out location); }

    public BlobId PackId(int ordinal) { lock (_lock) return _packs[ordinal]; }

    public bool HasPack(BlobId packId) { lock (_lock) return _packOrdinals.ContainsKey(packId); }

    public IReadOnlyList<BlobId> Packs() { lock (_lock) return [.. _packs]; }

    /// <summary>The index entry of a blob, with its pack ID (for reading it).</summary>
    public bool TryGetEntry(BlobId id, out BlobId packId, out IndexBlob entry)
    {
        lock (_lock)
        {
            if (!_blobs.TryGetValue(id, out var loc))
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
