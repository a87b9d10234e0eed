using System.Collections.Concurrent;
using System.Threading.Channels;
using Coffre.Repository.Pack;
using Coffre.Model;
using Coffre.Model.Json;
using Coffre.Repository;

namespace Coffre.Archiver;

/// <summary>
/// The running stages of one backup, shared by the file backup (<see cref="Archiver"/>) and the application
/// backup (<see cref="SnapshotComposer"/>). All stages overlap and all channels are bounded:
/// <code>
/// walkers           --files: FileJob (256)-->  file workers (2): read, chunk, hash, dedup
/// file workers      --chunks: ChunkJob (4)-->  blob workers (N cores): compress, seal, append to pack
/// RepositoryWriter  --packs (2)-->             uploaders (backend's connections, at most 8): store pack, then index it
/// </code>
/// Trees are stored bottom-up as soon as a folder's children are known. One failing worker cancels the others
/// and its error is the one reported.
/// </summary>
internal sealed class BackupPipeline : IAsyncDisposable
{
    private readonly List<SourceError> _errors = [];
    private readonly CancellationTokenSource _cts;
    // files: the walkers write, the file workers read.
    private readonly Channel<FileJob> _files = Channel.CreateBounded<FileJob>(new BoundedChannelOptions(256));
    // chunks: the file workers write, the blob workers read.
    private readonly Channel<ChunkJob> _chunks = Channel.CreateBounded<ChunkJob>(new BoundedChannelOptions(4));
    private readonly Task[] _fileWorkers;
    private readonly Task[] _blobWorkers;
    private readonly ChunkBufferPool _buffers;
    private readonly ConcurrentBag<BlobCodec.EncodeBuffers> _encodeBuffers = [];
    private Exception? _firstFailure;

    public BackupPipeline(Repository.Repository repo, BackupProgress progress, int fileWorkers, int blobWorkers, CancellationToken ct)
    {
        Repo = repo;
        Progress = progress;
        _cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        Writer = new RepositoryWriter(repo);
        // Chunk buffers: one being filled per file worker, one being encoded per blob worker, one queued.
        var buffers = _buffers = new ChunkBufferPool(fileWorkers + blobWorkers + 1);
        _fileWorkers = Enumerable.Range(0, fileWorkers)
            .Select(_ => Task.Run(() => Guard(() => new FileSaver(Writer, repo.Polynomial, buffers, _chunks.Writer, progress, AddError).RunAsync(_files.Reader, Token))))
            .ToArray();
        _blobWorkers = Enumerable.Range(0, blobWorkers)
            .Select(_ => Task.Run(() => Guard(() => new BlobSaver(repo, Writer, buffers, _encodeBuffers).RunAsync(_chunks.Reader, Token))))
            .ToArray();
    }

    public Repository.Repository Repo { get; }
    public RepositoryWriter Writer { get; }
    public BackupProgress Progress { get; }
    public SummaryCounters Summary { get; } = new();
    public CancellationToken Token => _cts.Token;

    public IReadOnlyList<SourceError> Errors { get { lock (_errors) return [.. _errors]; } }

    public void AddError(SourceError e)
    {
        lock (_errors) _errors.Add(e);
        Progress.Error();
    }

    private async Task Guard(Func<Task> body)
    {
        try { await body().ConfigureAwait(false); }
        catch (Exception e)
        {
            if (e is not OperationCanceledException) Interlocked.CompareExchange(ref _firstFailure, e, null);
            await _cts.CancelAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Between the parts of an application backup (a dump, then a media folder): lets go of the chunk and encoding
    /// buffers no worker holds and, when that was more than a couple, collects them at once. A dump's long chunks
    /// leave every 8 MiB buffer resident; kept, they sat under the media part's own peak (measured: dump + media 126 MiB,
    /// the dump alone 106, the media alone 104). The next part makes the buffers it needs again, fresh.
    /// </summary>
    public async Task ReleaseIdleBuffersAsync()
    {
        // The part's last chunks may still be on their way to the packs: their buffers are let go too.
        await _buffers.WhenIdleAsync().WaitAsync(Token).ConfigureAwait(false);
        var released = _buffers.ReleaseIdle();
        while (_encodeBuffers.TryTake(out _)) released++;
        // One blocking collection (a few ms: the live heap is small) returns their memory now, before the next part
        // fills the young generation; left to itself, the GC would not look at the large-object heap for a while.
        // Only in the coffre command's own process (MemoryReturn): a host application's GC is its own.
        if (released > 2) MemoryReturn.AfterLargeRelease();
    }

    /// <summary>Queues a file for reading; the task completes with its node once its content is chunked.</summary>
    public async Task<Task<Node?>> QueueFileAsync(FileJob job)
    {
        await _files.Writer.WriteAsync(job, Token).ConfigureAwait(false);
        return job.Done.Task;
    }

    /// <summary>Waits for a folder's children, then stores its tree blob and links it as the subtree.</summary>
    public async Task<Node?> FinishDirAsync(Node dir, List<Task<Node?>> kids, Node? previous)
    {
        var children = await Task.WhenAll(kids).ConfigureAwait(false);
        var nodes = children.Where(n => n is not null).Cast<Node>().ToList();
        var json = TreeJson.Serialize(nodes);
        var id = BlobId.Hash(json);
        await Writer.SaveBlobAsync(BlobType.Tree, id, json, compress: true, Token).ConfigureAwait(false);
        dir.Subtree = id;
        if (dir.Name.Length > 0) Summary.Dir(previous, id); // the root tree is not a folder of the source
        return dir;
    }

    /// <summary>
    /// A tree of the parent snapshot, or null when it cannot be read (lost index, damaged pack): the files
    /// below are then read again, which costs time but never correctness.
    /// </summary>
    public async Task<List<Node>?> TryLoadTreeAsync(BlobId tree)
    {
        try { return await Repo.LoadTreeAsync(tree, Token).ConfigureAwait(false); }
        catch (Exception e) when (e is InvalidDataException or InvalidTreeException) { return null; }
    }

    /// <summary>
    /// Ends the intake, waits for every stage and the root tree, and makes everything durable (packs, then index).
    /// After this, a snapshot that refers to the root may be written.
    /// </summary>
    public async Task<Node> CompleteAsync(Task<Node?> rootTask, CancellationToken ct)
    {
        try
        {
            _files.Writer.TryComplete();
            try { await Task.WhenAll(_fileWorkers).ConfigureAwait(false); }
            finally { _chunks.Writer.TryComplete(); }
            await Task.WhenAll(_blobWorkers).ConfigureAwait(false);
            var root = await rootTask.ConfigureAwait(false) ?? throw new CoffreException("nothing could be read from the given paths");
            await Writer.FlushAsync(Token).ConfigureAwait(false);
            return root;
        }
        catch (Exception) when (_firstFailure is not null && !ct.IsCancellationRequested)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(_firstFailure);
            throw;
        }
    }

    /// <summary>Rethrows a worker's failure in place of the cancellation it caused elsewhere.</summary>
    public void ThrowIfFailed()
    {
        if (_firstFailure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(_firstFailure);
    }

    public async ValueTask DisposeAsync()
    {
        _files.Writer.TryComplete();
        _chunks.Writer.TryComplete();
        await _cts.CancelAsync().ConfigureAwait(false);
        try { await Task.WhenAll(_fileWorkers.Concat(_blobWorkers)).ConfigureAwait(false); }
        catch (Exception) { /* already reported by CompleteAsync or the caller */ }
        await Writer.DisposeAsync().ConfigureAwait(false);
        _cts.Dispose();
    }
}
