namespace Coffre.Storage;

/// <summary>
/// Lets at most <c>limit</c> calls reach the inner backend at once (its <see cref="BackendProperties.MaxConnections"/>):
/// a stream from <see cref="OpenReadAsync"/> holds its slot until it is disposed. Listing takes no slot, since callers
/// load objects while they list (a limit of one would then deadlock).
/// </summary>
public sealed class ConnectionLimitingBackend : IStorageBackend
{
    private readonly IStorageBackend _inner;
    private readonly SemaphoreSlim _slots;

    public ConnectionLimitingBackend(IStorageBackend inner, int limit)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        _inner = inner;
        _slots = new SemaphoreSlim(limit, limit);
    }

    public string Location => _inner.Location;
    public BackendProperties Properties => _inner.Properties;

    private async Task<T> LimitAsync<T>(Func<Task<T>> call, CancellationToken ct)
    {
        await _slots.WaitAsync(ct).ConfigureAwait(false);
        try { return await call().ConfigureAwait(false); }
        finally { _slots.Release(); }
    }

    private Task LimitAsync(Func<Task> call, CancellationToken ct) => LimitAsync(async () => { await call().ConfigureAwait(false); return 0; }, ct);

    public Task<bool> ExistsAsync(CancellationToken ct) => LimitAsync(() => _inner.ExistsAsync(ct), ct);
    public Task CreateAsync(CancellationToken ct) => LimitAsync(() => _inner.CreateAsync(ct), ct);
    public Task SaveAsync(StorageHandle handle, SaveSource source, CancellationToken ct) => LimitAsync(() => _inner.SaveAsync(handle, source, ct), ct);
    public Task<byte[]> LoadAsync(StorageHandle handle, CancellationToken ct) => LimitAsync(() => _inner.LoadAsync(handle, ct), ct);
    public Task<int> ReadAtAsync(StorageHandle handle, long offset, Memory<byte> buffer, CancellationToken ct) => LimitAsync(() => _inner.ReadAtAsync(handle, offset, buffer, ct), ct);
    public Task<long?> StatAsync(StorageHandle handle, CancellationToken ct) => LimitAsync(() => _inner.StatAsync(handle, ct), ct);
    public Task RemoveAsync(StorageHandle handle, CancellationToken ct) => LimitAsync(() => _inner.RemoveAsync(handle, ct), ct);
    public Task<int> RemoveLeftoversAsync(CancellationToken ct) => LimitAsync(() => _inner.RemoveLeftoversAsync(ct), ct);
    public Task<StorageCapacity> CapacityAsync(CancellationToken ct) => LimitAsync(() => _inner.CapacityAsync(ct), ct);
    public IAsyncEnumerable<StorageEntry> ListAsync(FileType type, CancellationToken ct) => _inner.ListAsync(type, ct);
    public ValueTask DisposeAsync() => _inner.DisposeAsync();

    public async Task<Stream> OpenReadAsync(StorageHandle handle, CancellationToken ct)
    {
        await _slots.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            return new SlotStream(await _inner.OpenReadAsync(handle, ct).ConfigureAwait(false), _slots);
        }
        catch
        {
            _slots.Release();
            throw;
        }
    }

    /// <summary>A read stream that gives its slot back once, when disposed.</summary>
    private sealed class SlotStream(Stream inner, SemaphoreSlim slots) : Stream
    {
        private int _released;

        public override bool CanRead => true;
        public override bool CanSeek => inner.CanSeek;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => inner.Position = value; }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override int Read(Span<byte> buffer) => inner.Read(buffer);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.ReadAsync(buffer, offset, count, cancellationToken);
        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
                if (Interlocked.Exchange(ref _released, 1) == 0) slots.Release();
            }
            base.Dispose(disposing);
        }

        public override async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync().ConfigureAwait(false);
            if (Interlocked.Exchange(ref _released, 1) == 0) slots.Release();
            await base.DisposeAsync().ConfigureAwait(false);
        }
    }
}
