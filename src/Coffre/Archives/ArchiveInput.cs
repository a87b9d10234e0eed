using System.Buffers.Binary;
using System.Formats.Tar;
using System.IO.Compression;
using Coffre.IO;

namespace Coffre.Archives;

/// <summary>
/// Reads a <c>.tar.gz</c> as a stream of tar entries, straight from the file (nothing extracted to disk):
/// <code>file -> HashingStream (SHA-256 of the file) -> GZipStream -> guard (counts, names damage) -> TarReader</code>
/// Broken gzip data, a truncated file or a malformed tar header become a <see cref="CoffreException"/> that names the
/// archive, also when the bytes are being read by a backup worker (an entry's data stream).
/// </summary>
internal sealed class ArchiveInput : IAsyncDisposable
{
    private readonly string _name;
    private readonly FileStream _file;
    private readonly HashingStream _hashing;
    private readonly GZipStream _gzip;
    private readonly GuardStream _guard;
    private readonly TarReader _tar;

    /// <summary>The archive's path, as given.</summary>
    public string Name => _name;

    private ArchiveInput(string path)
    {
        _name = path;
        _file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16, FileOptions.SequentialScan);
        Span<byte> magic = stackalloc byte[2];
        if (_file.ReadAtLeast(magic, 2, throwOnEndOfStream: false) < 2 || magic[0] != 0x1F || magic[1] != 0x8B)
        {
            _file.Dispose();
            throw new CoffreException($"{path} is not a gzip file (a .tar.gz archive is expected); nothing was imported");
        }
        _file.Position = 0;
        _hashing = new HashingStream(_file, leaveOpen: true);
        _gzip = new GZipStream(_hashing, CompressionMode.Decompress, leaveOpen: true);
        _guard = new GuardStream(_gzip, this);
        _tar = new TarReader(_guard, leaveOpen: true);
    }

    /// <summary>Opens <paramref name="path"/>; throws when it is missing or not gzip data.</summary>
    public static ArchiveInput Open(string path)
    {
        if (!File.Exists(path)) throw new CoffreException($"{path} does not exist");
        return new ArchiveInput(path);
    }

    /// <summary>The next entry (its data stream, if any, must be read before asking for the next one); null at the end.</summary>
    public async Task<TarEntry?> NextAsync(CancellationToken ct)
    {
        try { return await _tar.GetNextEntryAsync(copyData: false, ct).ConfigureAwait(false); }
        catch (Exception e) when (e is InvalidDataException or FormatException or ArgumentException or OverflowException)
        {
            // Gzip errors arrive already named by the guard; these come from the tar headers themselves.
            throw Damaged($"not a valid tar archive inside the gzip data ({e.Message})");
        }
        catch (EndOfStreamException e) { throw Damaged(e); }
    }

    /// <summary>
    /// After the last entry: reads the rest of the gzip stream (its CRC is checked at its end) and of the file, and
    /// returns the file's SHA-256 and whether its gzip trailer's length field matches the data (false for a file
    /// cut at its end — or one made of several gzip members, which this check cannot tell apart).
    /// </summary>
    public async Task<(string Sha256, bool TrailerConsistent)> FinishAsync(CancellationToken ct)
    {
        var buffer = new byte[1 << 16];
        while (await _guard.ReadAsync(buffer, ct).ConfigureAwait(false) > 0) { }
        while (await _hashing.ReadAsync(buffer, ct).ConfigureAwait(false) > 0) { }
        var tail = _hashing.Tail;
        var consistent = tail.Length == 8 && BinaryPrimitives.ReadUInt32LittleEndian(tail[4..]) == (uint)_guard.Count;
        return (_hashing.HashHex(), consistent);
    }

    /// <summary>Damage found while reading: a truncated file or corrupt gzip data.</summary>
    public CoffreException Damaged(Exception e) => new(e switch
    {
        EndOfStreamException => $"{_name} is damaged: it ends before its last entry (truncated?); nothing was imported",
        InvalidDataException => $"{_name} is damaged: its compressed data is corrupt; nothing was imported",
        _ => $"{_name} is damaged: {e.Message}; nothing was imported",
    }, e);

    /// <summary>Damage found by the caller (an entry shorter than its header says).</summary>
    public CoffreException Damaged(string what) => new($"{_name} is damaged: {what}; nothing was imported");

    public async ValueTask DisposeAsync()
    {
        await _tar.DisposeAsync().ConfigureAwait(false);
        await _guard.DisposeAsync().ConfigureAwait(false);
        await _gzip.DisposeAsync().ConfigureAwait(false);
        await _hashing.DisposeAsync().ConfigureAwait(false);
        await _file.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Counts the decompressed bytes and turns gzip errors into damage of the named archive.</summary>
    private sealed class GuardStream(Stream inner, ArchiveInput owner) : Stream
    {
        private readonly TarHeaderLimits _limits = new();

        public long Count { get; private set; }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            try
            {
                var n = inner.Read(buffer);
                Count += n;
                Limit(buffer[..n]);
                return n;
            }
            catch (Exception e) when (e is InvalidDataException or EndOfStreamException) { throw owner.Damaged(e); }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            try
            {
                var n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                Count += n;
                Limit(buffer.Span[..n]);
                return n;
            }
            catch (Exception e) when (e is InvalidDataException or EndOfStreamException) { throw owner.Damaged(e); }
        }

        private void Limit(ReadOnlySpan<byte> bytes)
        {
            try { _limits.Feed(bytes); }
            catch (InvalidDataException e) { throw new CoffreException($"{owner.Name} is refused: it holds {e.Message}; nothing was imported"); }
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => Count; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
