namespace Coffre.Storage;

/// <summary>
/// Reads packs of a remote backend by windows of <see cref="Window"/> bytes instead of one request per blob: a restore
/// reads a pack's blobs mostly in the order they were written (tree order both times), so the next blobs are usually
/// in the window just fetched. At most <see cref="Windows"/> windows are kept (least recently used goes first), so
/// memory stays bounded whatever the repository's size; concurrent readers of one window share its fetch. Reads larger
/// than a window, and every other call, go straight through.
/// </summary>
public sealed class PackReadAheadBackend(IStorageBackend inner) : DelegatingBackend(inner)
{
    /// <summary>Bytes fetched per request: a quarter of a 16 MiB pack.</summary>
    public const int Window = 4 << 20;

    /// <summary>Windows kept in memory (at most <c>Windows × Window</c> bytes).</summary>
    public const int Windows = 8;

    private readonly LinkedList<(StorageHandle Pack, long Index, Task<(byte[] Data, int Length)> Fetch)> _cache = new();
    private readonly Lock _lock = new();

    public override async Task<int> ReadAtAsync(StorageHandle handle, long offset, Memory<byte> buffer, CancellationToken ct)
    {
        if (handle.Type != FileType.Pack || buffer.Length > Window || offset < 0)
            return await Inner.ReadAtAsync(handle, offset, buffer, ct).ConfigureAwait(false);
        var done = 0;
        while (done < buffer.Length)
        {
            var at = offset + done;
            var index = at / Window;
            var (data, length) = await WindowAsync(handle, index, ct).ConfigureAwait(false);
            var from = (int)(at - index * Window);
            if (from >= length) break; // past the end of the object
            var n = Math.Min(length - from, buffer.Length - done);
            data.AsSpan(from, n).CopyTo(buffer.Span[done..]);
            done += n;
            if (length < Window) break; // the object's last window
        }
        return done;
    }

    private Task<(byte[] Data, int Length)> WindowAsync(StorageHandle pack, long index, CancellationToken ct)
    {
        Task<(byte[] Data, int Length)> fetch;
        lock (_lock)
        {
            for (var node = _cache.First; node is not null; node = node.Next)
            {
                if (node.Value.Index != index || node.Value.Pack != pack) continue;
                if (node.Value.Fetch.IsFaulted || node.Value.Fetch.IsCanceled)
                {
                    _cache.Remove(node); // a failed fetch is tried again, not remembered
                    break;
                }
                _cache.Remove(node);
                _cache.AddFirst(node);
                return node.Value.Fetch.WaitAsync(ct);
            }
            // Not the caller's token: another reader may be waiting for the same window.
            fetch = FetchAsync(pack, index);
            _cache.AddFirst((pack, index, fetch));
            while (_cache.Count > Windows) _cache.RemoveLast();
        }
        return fetch.WaitAsync(ct);
    }

    private async Task<(byte[] Data, int Length)> FetchAsync(StorageHandle pack, long index)
    {
        var data = GC.AllocateUninitializedArray<byte>(Window);
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(15));
        var n = await Inner.ReadAtAsync(pack, index * Window, data, limit.Token).ConfigureAwait(false);
        return (data, n);
    }

    /// <summary>A removed pack's windows go too: a pack saved again under its name (repair) is read afresh.</summary>
    public override async Task RemoveAsync(StorageHandle handle, CancellationToken ct)
    {
        await Inner.RemoveAsync(handle, ct).ConfigureAwait(false);
        Forget(handle);
    }

    private void Forget(StorageHandle handle)
    {
        lock (_lock)
        {
            for (var node = _cache.First; node is not null;)
            {
                var next = node.Next;
                if (node.Value.Pack == handle) _cache.Remove(node);
                node = next;
            }
        }
    }
}
