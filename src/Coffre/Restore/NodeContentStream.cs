using Coffre.Model;

namespace Coffre.Restore;

/// <summary>
/// A file of a snapshot read as a stream, in order: each blob is read and verified (MAC, length, SHA-256) before
/// its bytes are handed out, a few blobs ahead of the reader so that decryption overlaps with the consumer
/// (pg_restore, a tar writer). Length is the node's size; a short or long content is reported as damage.
/// </summary>
public sealed class NodeContentStream : Stream
{
    private const int ReadAhead = 4;
    private readonly Repository.RepositoryReader _repo;
    private readonly IReadOnlyList<BlobId> _blobs;
    private readonly Queue<Task<(byte[] Buffer, int Length)>> _pending = new();
    private readonly CancellationTokenSource _cts = new();
    private readonly long _length;
    private readonly string _name;
    private int _next;
    private byte[] _current = [];
    private int _currentLength;
    private int _offset;
    private long _position;

    public NodeContentStream(Repository.RepositoryReader repo, Node node, string name)
    {
        _repo = repo;
        _blobs = node.Content ?? [];
        _length = (long)node.Size;
        _name = name;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => _length;
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.Length == 0) return 0;
        while (_offset >= _currentLength)
        {
            Release();
            Fill();
            if (_pending.Count == 0)
            {
                if (_position != _length) throw new InvalidDataException($"{_name}: the snapshot records {_length} bytes but its blobs hold {_position}");
                return 0;
            }
            (_current, _currentLength) = await _pending.Dequeue().WaitAsync(cancellationToken).ConfigureAwait(false);
            _offset = 0;
        }
        var n = Math.Min(buffer.Length, _currentLength - _offset);
        _current.AsMemory(_offset, n).CopyTo(buffer);
        _offset += n;
        _position += n;
        if (_position > _length) throw new InvalidDataException($"{_name}: its blobs hold more than the {_length} bytes the snapshot records");
        return n;
    }

    private void Fill()
    {
        while (_pending.Count < ReadAhead && _next < _blobs.Count)
        {
            var id = _blobs[_next++];
            _pending.Enqueue(Task.Run(() => _repo.ReadBlobAsync(id, _cts.Token), _cts.Token));
        }
    }

    /// <summary>Gives the consumed blob's buffer back to the pool.</summary>
    private void Release()
    {
        if (_current.Length > 0) BufferPool.Instance.Return(_current);
        _current = [];
        _currentLength = 0;
        _offset = 0;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Release();
            _cts.Cancel();
            // Reads still in flight give their buffers back when they end.
            foreach (var t in _pending)
                t.ContinueWith(static r => { if (r.IsCompletedSuccessfully) BufferPool.Instance.Return(r.Result.Buffer); }, TaskScheduler.Default);
            _pending.Clear();
        }
        base.Dispose(disposing);
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
