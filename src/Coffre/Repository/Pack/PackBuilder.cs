using System.Buffers;
using System.Buffers.Binary;
using Coffre.Model;
using Coffre.Model.Json;
using Coffre.Repository.Crypto;

namespace Coffre.Repository.Pack;

/// <summary>
/// Accumulates sealed blobs of one type into one pack in memory (about 16 MiB), then appends the sealed header.
/// One builder is filled by one writer at a time; its buffer comes from the array pool and is returned by
/// <see cref="FinishedPack.Dispose"/> once the pack is stored.
/// </summary>
public sealed class PackBuilder
{
    public const int TargetSize = 16 * 1024 * 1024;

    private byte[] _buffer;
    private int _length;
    private readonly List<IndexBlob> _blobs = [];

    public PackBuilder(BlobType type)
    {
        Type = type;
        _buffer = ArrayPool<byte>.Shared.Rent(TargetSize + (1 << 20));
    }

    public BlobType Type { get; }
    public int Length => _length;
    public int Count => _blobs.Count;
    public bool IsFull => _length >= TargetSize;

    /// <summary>Appends one sealed blob (IV || CT || TAG). <paramref name="uncompressedLength"/> is 0 when not compressed.</summary>
    public void Add(BlobId id, ReadOnlySpan<byte> sealedBlob, uint uncompressedLength)
    {
        Ensure(sealedBlob.Length);
        sealedBlob.CopyTo(_buffer.AsSpan(_length));
        _blobs.Add(new IndexBlob(id, Type, (uint)_length, (uint)sealedBlob.Length, uncompressedLength));
        _length += sealedBlob.Length;
    }

    private void Ensure(int extra)
    {
        if (_length + extra <= _buffer.Length) return;
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + extra));
        _buffer.AsSpan(0, _length).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }

    /// <summary>Seals the header, appends it and its length, and names the pack by the SHA-256 of its bytes.</summary>
    public FinishedPack Finish(CryptoKey key)
    {
        if (_blobs.Count == 0) throw new InvalidOperationException("a pack needs at least one blob");
        var header = PackHeader.Encode(_blobs);
        var sealedLen = header.Length + CryptoKey.Overhead;
        Ensure(sealedLen + 4);
        key.Seal(header, _buffer.AsSpan(_length, sealedLen));
        _length += sealedLen;
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.AsSpan(_length), (uint)sealedLen);
        _length += 4;
        var id = BlobId.Hash(_buffer.AsSpan(0, _length));
        var pack = new FinishedPack(id, Type, _buffer, _length, [.. _blobs]);
        _buffer = [];
        return pack;
    }
}

/// <summary>A complete pack ready to store: its ID, bytes and the index entries it carries.</summary>
public sealed class FinishedPack : IDisposable
{
    private byte[]? _buffer;

    internal FinishedPack(BlobId id, BlobType type, byte[] buffer, int length, IReadOnlyList<IndexBlob> blobs)
    {
        Id = id;
        Type = type;
        _buffer = buffer;
        Length = length;
        Blobs = blobs;
    }

    public BlobId Id { get; }
    public BlobType Type { get; }
    public int Length { get; }
    public IReadOnlyList<IndexBlob> Blobs { get; }
    public ReadOnlyMemory<byte> Bytes => _buffer is null ? throw new ObjectDisposedException(nameof(FinishedPack)) : _buffer.AsMemory(0, Length);

    public void Dispose()
    {
        var b = Interlocked.Exchange(ref _buffer, null);
        if (b is { Length: > 0 }) ArrayPool<byte>.Shared.Return(b);
    }
}
