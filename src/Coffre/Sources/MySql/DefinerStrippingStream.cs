using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;

namespace Coffre.Sources.MySql;

/// <summary>
/// Reads a mysqldump / mariadb-dump file and drops the <c>DEFINER=`user`@`host`</c> clauses of views, triggers,
/// routines and events, so the objects are created with the restoring user as definer — the MySQL counterpart of
/// <c>pg_restore --no-owner</c>. Without it, restoring as another user than the one who made the backup fails with
/// "you need (at least one of) the SUPER privilege(s)". Only lines that start with <c>CREATE</c> or a <c>/*!</c>
/// versioned comment are examined and held in memory; every other line (INSERT data, possibly megabytes long)
/// streams through untouched.
/// </summary>
internal sealed partial class DefinerStrippingStream(Stream inner) : Stream
{
    private enum Line { Undecided, PassThrough, Held }

    private const int HeadLength = 8;
    private const int MaxHeldLine = 64 << 20;
    private readonly byte[] _in = new byte[1 << 16];
    private readonly ArrayBufferWriter<byte> _head = new(HeadLength);
    private readonly ArrayBufferWriter<byte> _held = new();
    private readonly ArrayBufferWriter<byte> _pending = new(1 << 16);
    private int _pendingPos;
    private Line _line = Line.Undecided;
    private bool _ended;

    [GeneratedRegex(@"DEFINER\s*=\s*(`(?:[^`]|``)*`|'(?:[^']|'')*'|[^\s@*]+)@(`(?:[^`]|``)*`|'(?:[^']|'')*'|[^\s*]+)\s*")]
    private static partial Regex Definer();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (_pendingPos >= _pending.WrittenCount)
        {
            if (_ended) return 0;
            _pending.ResetWrittenCount();
            _pendingPos = 0;
            var n = await inner.ReadAsync(_in, cancellationToken).ConfigureAwait(false);
            if (n == 0) Finish();
            else Process(_in.AsSpan(0, n));
        }
        var count = Math.Min(buffer.Length, _pending.WrittenCount - _pendingPos);
        _pending.WrittenSpan.Slice(_pendingPos, count).CopyTo(buffer.Span);
        _pendingPos += count;
        return count;
    }

    private void Process(ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            var nl = data.IndexOf((byte)'\n');
            var lineEnds = nl >= 0;
            var piece = lineEnds ? data[..(nl + 1)] : data;
            switch (_line)
            {
                case Line.Undecided:
                    var take = Math.Min(piece.Length, HeadLength - _head.WrittenCount);
                    _head.Write(piece[..take]);
                    data = data[take..];
                    if (_head.WrittenCount < HeadLength && !(lineEnds && take == piece.Length)) continue;
                    var interesting = _head.WrittenSpan.StartsWith("CREATE"u8) || _head.WrittenSpan.StartsWith("/*!"u8);
                    (interesting ? _held : _pending).Write(_head.WrittenSpan);
                    _head.ResetWrittenCount();
                    _line = interesting ? Line.Held : Line.PassThrough;
                    if (lineEnds && take == piece.Length) EndLine();
                    continue;
                case Line.PassThrough:
                    _pending.Write(piece);
                    break;
                case Line.Held:
                    _held.Write(piece);
                    if (_held.WrittenCount > MaxHeldLine) throw new SourceException("a statement of the dump is too long to check for DEFINER clauses");
                    break;
            }
            data = data[piece.Length..];
            if (lineEnds) EndLine();
        }
    }

    private void EndLine()
    {
        if (_line == Line.Held)
        {
            _pending.Write(Strip(_held.WrittenSpan));
            _held.ResetWrittenCount();
        }
        _line = Line.Undecided;
    }

    private void Finish()
    {
        _ended = true;
        _pending.Write(_head.WrittenSpan);
        if (_held.WrittenCount > 0) _pending.Write(Strip(_held.WrittenSpan));
    }

    private static byte[] Strip(ReadOnlySpan<byte> line)
    {
        var text = Encoding.UTF8.GetString(line);
        return text.Contains("DEFINER", StringComparison.Ordinal) ? Encoding.UTF8.GetBytes(Definer().Replace(text, "")) : line.ToArray();
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
