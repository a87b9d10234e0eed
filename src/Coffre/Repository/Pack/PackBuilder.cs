using System.Buffers.Binary;
using System.Security.Cryptography;
using Coffre.Model;
using Coffre.Repository.Crypto;

namespace Coffre.Repository.Pack;

/// <summary>
/// Writes sealed blobs of one type into one pack (about 16 MiB) as they come, into a staging file rather than
/// memory, hashing as it goes; <see cref="Finish"/> appends the sealed header. Memory stays small however many
/// packs are in flight. One builder is filled by one writer at a time.
/// </summary>
public sealed class PackBuilder
{
    public const int TargetSize = 16 * 1024 * 1024;

    private readonly FileStream _file;
    private readonly string _path;
    private readonly string _stagingFolder;
    private readonly bool _durable;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly List<IndexBlob> _blobs = [];
    private long _length;

    /// <param name="durable">
    /// Whether the staged file must reach the disk before it is stored: true when storing it is a rename into the
    /// repository (a local one); false when it is only read once and streamed to a remote backend, where an fsync
    /// of the temp file would only cost a second write of every pack.
    /// </param>
    public PackBuilder(BlobType type, string stagingFolder, bool durable = true)
    {
        Type = type;
        _stagingFolder = stagingFolder;
        _durable = durable;
        _path = Path.Combine(stagingFolder, $"pack-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}-tmp");
        try { _file = new FileStream(_path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, bufferSize: 0); }
        catch (IOException e) when (IsDiskFull(e)) { throw DiskFull(e); }
    }

    public BlobType Type { get; }
    public long Length => _length;
    public int Count => _blobs.Count;
    public bool IsFull => _length >= TargetSize;

    /// <summary>Appends one sealed blob (IV || CT || TAG). <paramref name="uncompressedLength"/> is 0 when not compressed.</summary>
    public void Add(BlobId id, ReadOnlySpan<byte> sealedBlob, uint uncompressedLength)
    {
        Write(sealedBlob);
        _hash.AppendData(sealedBlob);
        _blobs.Add(new IndexBlob(id, Type, (uint)_length, (uint)sealedBlob.Length, uncompressedLength));
        _length += sealedBlob.Length;
    }

    /// <summary>Seals the header, appends it and its length, and names the pack by the SHA-256 of its bytes.</summary>
    public FinishedPack Finish(CryptoKey key)
    {
        if (_blobs.Count == 0) throw new InvalidOperationException("a pack needs at least one blob");
        var header = PackHeader.Encode(_blobs);
        var tail = new byte[header.Length + CryptoKey.Overhead + 4];
        key.Seal(header, tail.AsSpan(0, header.Length + CryptoKey.Overhead));
        BinaryPrimitives.WriteUInt32LittleEndian(tail.AsSpan(tail.Length - 4), (uint)(header.Length + CryptoKey.Overhead));
        Write(tail);
        _hash.AppendData(tail);
        _length += tail.Length;
        var id = new BlobId(_hash.GetHashAndReset());
        _hash.Dispose();
        return new FinishedPack(id, Type, _file, _path, _length, [.. _blobs], _durable);
    }

    private void Write(ReadOnlySpan<byte> data)
    {
        try { _file.Write(data); }
        catch (IOException e) when (IsDiskFull(e)) { throw DiskFull(e); }
    }

    /// <summary>ENOSPC while staging a pack: the OS's message names only the temp file, this one names the cause.</summary>
    private CoffreException DiskFull(IOException e) => new(
        $"the disk holding the repository is full ({_stagingFolder}: {e.Message.Split(" :")[0]}): free some space and run the command again; nothing already stored was changed",
        ExitCodes.Fatal, e);

    private static bool IsDiskFull(IOException e) => (e.HResult & 0xFFFF) == 28 || e.Message.Contains("No space left", StringComparison.Ordinal);

    /// <summary>Drops an unfinished pack (on failure or cancellation).</summary>
    public void Abandon()
    {
        _file.Dispose();
        _hash.Dispose();
        try { File.Delete(_path); } catch (IOException) { }
    }
}

/// <summary>A complete pack in its staging file, ready to store under its ID; disposing deletes what is left of it.</summary>
public sealed class FinishedPack : IDisposable
{
    private readonly FileStream _file;
    private readonly bool _durable;

    internal FinishedPack(BlobId id, BlobType type, FileStream file, string path, long length, IReadOnlyList<IndexBlob> blobs, bool durable)
    {
        _durable = durable;
        Id = id;
        Type = type;
        _file = file;
        StagingPath = path;
        Length = length;
        Blobs = blobs;
    }

    public BlobId Id { get; }
    public BlobType Type { get; }
    public string StagingPath { get; }
    public long Length { get; }
    public IReadOnlyList<IndexBlob> Blobs { get; }

    /// <summary>Closes the file before the backend takes it, first making it durable when it is to be renamed into the repository.</summary>
    public void Seal()
    {
        _file.Flush(flushToDisk: _durable);
        _file.Dispose();
    }

    public void Dispose()
    {
        _file.Dispose();
        try { File.Delete(StagingPath); } catch (IOException) { }
    }
}
