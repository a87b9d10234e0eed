using System.Collections.Concurrent;
using System.Threading.Channels;
using Coffre.Model;
using Coffre.Model.Json;
using Coffre.Repository.Pack;
using Coffre.Storage;

namespace Coffre.Repository;

/// <summary>
/// Adds blobs to a repository: deduplicates against the index and against blobs in flight, fills one pack per
/// blob type (data and tree blobs never share a pack), stores full packs in the background and then writes
/// index files that describe them. Crash order (format doc §11): packs, then their index, then the snapshot.
/// <para>
/// Several packs go up at once, one per uploader, as many uploaders as the backend serves connections (at most
/// <see cref="MaxUploaders"/>), so reading and chunking go on while packs travel. Staged packs are bounded: one
/// filling per blob type, <see cref="QueuedPacks"/> waiting, one per uploader. The first failed upload cancels the
/// others and is thrown by the next write and by <see cref="FlushAsync"/>, which then writes no index.
/// </para>
/// </summary>
public sealed class RepositoryWriter : IAsyncDisposable
{
    /// <summary>restic flushes an index file at about this many blobs.</summary>
    private const int IndexFlushBlobs = 50_000;

    /// <summary>Most packs uploading at once, whatever the backend allows (each is a staged ~16 MiB file).</summary>
    public const int MaxUploaders = 8;

    /// <summary>Finished packs waiting for a free uploader; a writer blocks beyond that.</summary>
    public const int QueuedPacks = 2;

    private readonly Repository _repo;
    private readonly ConcurrentDictionary<BlobId, byte> _inFlight = new();
    private readonly Lock _packLock = new();
    private readonly PackBuilder?[] _builders = new PackBuilder?[2];
    // Full packs waiting for storage. Writers: AddAsync/FlushAsync. Readers: the uploader tasks.
    private readonly Channel<FinishedPack> _uploads = Channel.CreateBounded<FinishedPack>(new BoundedChannelOptions(QueuedPacks) { SingleWriter = false });
    private readonly Task[] _uploaders;
    private readonly List<IndexPack> _pendingIndex = [];
    private int _pendingIndexBlobs;
    private readonly SemaphoreSlim _indexLock = new(1, 1);
    private readonly CancellationTokenSource _cts = new();
    private readonly StagingArea _staging;
    private Exception? _failure;
    private long _dataBlobs, _treeBlobs, _dataAdded, _dataAddedPacked;

    /// <exception cref="CoffreException">the repository is one Coffre must not write into (restic's format version 1).</exception>
    public RepositoryWriter(Repository repo)
    {
        ArgumentNullException.ThrowIfNull(repo);
        repo.EnsureWritable();
        _repo = repo;
        _staging = new StagingArea(repo.Backend.Properties);
        Uploaders = UploadersFor(repo.Backend.Properties);
        _uploaders = Enumerable.Range(0, Uploaders).Select(_ => Task.Run(UploadLoopAsync)).ToArray();
    }

    /// <summary>How many packs upload at once to a backend with these properties.</summary>
    public static int UploadersFor(BackendProperties properties)
    {
        ArgumentNullException.ThrowIfNull(properties);
        return Math.Clamp(properties.MaxConnections, 1, MaxUploaders);
    }

    /// <summary>How many packs this writer uploads at once.</summary>
    public int Uploaders { get; }

    public long DataBlobs => Interlocked.Read(ref _dataBlobs);
    public long TreeBlobs => Interlocked.Read(ref _treeBlobs);
    /// <summary>Plaintext bytes of new blobs.</summary>
    public long DataAdded => Interlocked.Read(ref _dataAdded);
    /// <summary>Stored (compressed, sealed) bytes of new blobs.</summary>
    public long DataAddedPacked => Interlocked.Read(ref _dataAddedPacked);

    /// <summary>
    /// Claims a blob for storing. False when the repository has it or another worker is storing it, so each
    /// blob is compressed and sealed once.
    /// </summary>
    public bool TryReserve(BlobId id) => !_repo.Index.Has(id) && _inFlight.TryAdd(id, 0);

    /// <summary>Encodes (compress + seal) and stores a blob if new. Safe to call from several workers.</summary>
    public async ValueTask<bool> SaveBlobAsync(BlobType type, BlobId id, ReadOnlyMemory<byte> plain, bool compress, CancellationToken ct)
    {
        if (!TryReserve(id)) return false;
        var enc = BlobCodec.Encode(_repo.Key, plain.Span, compress || type == BlobType.Tree);
        try
        {
            await AddEncodedAsync(type, id, enc, plain.Length, ct).ConfigureAwait(false);
        }
        finally
        {
            BufferPool.Instance.Return(enc.Buffer);
        }
        return true;
    }

    /// <summary>Appends an encoded blob (reserved with <see cref="TryReserve"/>) to its type's pack.</summary>
    public ValueTask AddEncodedAsync(BlobType type, BlobId id, BlobCodec.Encoded enc, int plainLength, CancellationToken ct) =>
        AddEncodedAsync(type, id, enc.Buffer.AsMemory(0, enc.Length), enc.UncompressedLength, plainLength, ct);

    /// <summary>Appends a sealed blob (reserved with <see cref="TryReserve"/>) to its type's pack.</summary>
    public async ValueTask AddEncodedAsync(BlobType type, BlobId id, ReadOnlyMemory<byte> sealedBlob, uint uncompressedLength, int plainLength, CancellationToken ct)
    {
        ThrowIfFailed();
        PackBuilder? full = null;
        lock (_packLock)
        {
            var b = _builders[(int)type] ??= new PackBuilder(type, _staging.Folder, durable: _staging.IsBackendFolder);
            b.Add(id, sealedBlob.Span, uncompressedLength);
            if (b.IsFull)
            {
                full = b;
                _builders[(int)type] = null;
            }
        }
        if (type == BlobType.Data) Interlocked.Increment(ref _dataBlobs);
        else Interlocked.Increment(ref _treeBlobs);
        Interlocked.Add(ref _dataAdded, plainLength);
        Interlocked.Add(ref _dataAddedPacked, sealedBlob.Length);
        if (full is not null) await EnqueueAsync(full, ct).ConfigureAwait(false);
    }

    /// <summary>A failed upload fails the next write: the backup stops instead of filling packs that cannot be stored.</summary>
    private void ThrowIfFailed()
    {
        if (Volatile.Read(ref _failure) is { } e) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e);
    }

    private async ValueTask EnqueueAsync(PackBuilder builder, CancellationToken ct)
    {
        var pack = builder.Finish(_repo.Key);
        try
        {
            await _uploads.Writer.WriteAsync(pack, ct).ConfigureAwait(false);
        }
        catch (ChannelClosedException) when (_failure is not null)
        {
            pack.Dispose();
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(_failure);
        }
        catch
        {
            pack.Dispose();
            throw;
        }
    }

    private async Task UploadLoopAsync()
    {
        try
        {
            await UploadAllAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_failure is not null)
        {
            // Cancelled because another uploader failed: that failure is the one reported.
        }
        catch (Exception e)
        {
            // Stop the producers (their next write fails with this error instead of waiting forever) and the other
            // uploads (what they store would never be indexed).
            if (Interlocked.CompareExchange(ref _failure, e, null) is null)
            {
                _uploads.Writer.TryComplete(e);
                await _cts.CancelAsync().ConfigureAwait(false);
            }
            throw;
        }
    }

    private async Task UploadAllAsync()
    {
        await foreach (var pack in _uploads.Reader.ReadAllAsync(_cts.Token).ConfigureAwait(false))
        {
            using (pack)
            {
                pack.Seal();
                await _repo.Backend.SaveAsync(new StorageHandle(FileType.Pack, pack.Id.ToString()), new StagedFileSource(pack.StagingPath, pack.Length), _cts.Token).ConfigureAwait(false);
                _repo.Index.Add(pack.Id, pack.Blobs);
                foreach (var b in pack.Blobs) _inFlight.TryRemove(b.Id, out _);
                bool flush;
                lock (_pendingIndex)
                {
                    _pendingIndex.Add(new IndexPack(pack.Id, pack.Blobs));
                    _pendingIndexBlobs += pack.Blobs.Count;
                    flush = _pendingIndexBlobs >= IndexFlushBlobs;
                }
                if (flush) await WriteIndexAsync(_cts.Token).ConfigureAwait(false);
            }
        }
    }

    private async Task WriteIndexAsync(CancellationToken ct)
    {
        await _indexLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            List<IndexPack> packs;
            lock (_pendingIndex)
            {
                packs = [.. _pendingIndex];
                _pendingIndex.Clear();
                _pendingIndexBlobs = 0;
            }
            if (packs.Count == 0) return;
            await _repo.SaveJsonAsync(FileType.Index, IndexJson.Serialize(packs), ct).ConfigureAwait(false);
        }
        finally
        {
            _indexLock.Release();
        }
    }

    /// <summary>
    /// Stores the partly filled packs, waits for every upload and writes the index for them. After this returns,
    /// every blob added is durable and indexed, and a snapshot that refers to them may be written.
    /// </summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        PackBuilder?[] rest;
        lock (_packLock)
        {
            rest = [.. _builders];
            Array.Clear(_builders);
        }
        foreach (var b in rest)
            if (b is { Count: > 0 }) await EnqueueAsync(b, ct).ConfigureAwait(false);
        _uploads.Writer.TryComplete();
        try { await Task.WhenAll(_uploaders).ConfigureAwait(false); }
        catch (Exception) when (_failure is not null) { }
        ThrowIfFailed();
        await WriteIndexAsync(ct).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        _uploads.Writer.TryComplete();
        await _cts.CancelAsync().ConfigureAwait(false);
        try { await Task.WhenAll(_uploaders).ConfigureAwait(false); }
        catch (OperationCanceledException) { }
        catch (Exception) { /* the failure was already reported by FlushAsync or the caller */ }
        while (_uploads.Reader.TryRead(out var p)) p.Dispose();
        foreach (var b in _builders) b?.Abandon();
        _staging.Dispose();
        _cts.Dispose();
        _indexLock.Dispose();
    }
}
