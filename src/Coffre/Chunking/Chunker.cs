using System.Collections.Concurrent;
using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Coffre.Chunking;

/// <summary>
/// Content-defined chunker producing exactly the cut points of restic's <c>restic/chunker</c> (Rabin fingerprint
/// over GF(2) modulo the repository polynomial, 64-byte window, cut when <c>(digest &amp; 0xFFFFF) == 0</c>,
/// chunks between <see cref="MinSize"/> and <see cref="MaxSize"/> bytes).
/// </summary>
/// <remarks>
/// <para>
/// restic resets its state per chunk (window zeroed, byte 0x01 slid in), skips hashing the first
/// <c>MinSize - 64</c> bytes and only takes a cut once the chunk holds at least <c>MinSize</c> bytes. By then
/// exactly 64 bytes have been hashed, the 0x01 has left the window, and the digest is the fingerprint of the last
/// 64 bytes alone (the digest is always fully reduced, so it is a pure function of the window). Hence: the chunk
/// length is the smallest n in [MinSize, MaxSize) such that fingerprint(chunk[n-64..n)) &amp; mask == 0, else
/// MaxSize, else whatever is left at the end of the stream. That lets this implementation hash straight out of the
/// caller's chunk buffer (no window array) and run four independent fingerprint lanes over consecutive segments
/// for instruction-level parallelism; each lane warms up on the 64 bytes before its segment.
/// </para>
/// <para>
/// The stream is read directly into the caller's buffer; bytes read past a cut are kept in an internal carry
/// buffer and become the start of the next chunk. Instances are reused (see <see cref="Reset"/>) by one thread;
/// they are not thread-safe. The per-polynomial tables are shared by all instances.
/// </para>
/// </remarks>
public sealed class Chunker
{
    public const int MinSize = 512 * 1024;
    public const int MaxSize = 8 * 1024 * 1024;

    private const int WindowSize = 64;
    private const ulong SplitMask = (1UL << 20) - 1;

    /// <summary>Read granularity once the chunk has MinSize bytes.</summary>
    private const int ReadSize = 512 * 1024;

    // The 4-lane scan works on blocks of four consecutive lane segments. Warm-up costs 64 bytes per lane and block;
    // resolving a hit re-scans at most three segments with a single lane.
    private const int LaneSize = 4 * 1024;
    private const int BlockSize = 4 * LaneSize;

    private static readonly ConcurrentDictionary<ulong, ulong[]> TableCache = new();

    /// <summary>[0, 256): out table (fingerprint of b followed by 63 zero bytes); [256, 512): mod table.</summary>
    private readonly ulong[] _tables;
    private readonly int _polShift;
    private readonly byte[] _carry = new byte[ReadSize + BlockSize];
    private int _carryLen;
    private Stream? _source;
    private bool _eof;

    /// <param name="pol">The repository's chunker polynomial (degree 8 to 53; restic uses degree 53).</param>
    public Chunker(Polynomial pol)
    {
        int deg = pol.Degree;
        if (deg < 8 || deg > 53)
            throw new ArgumentOutOfRangeException(nameof(pol), pol.ToString(), "the chunker polynomial must have a degree between 8 and 53");
        Polynomial = pol;
        _polShift = deg - 8;
        _tables = TableCache.GetOrAdd(pol.Value, BuildTables);
    }

    public Polynomial Polynomial { get; }

    /// <summary>Starts chunking <paramref name="source"/>; any state of the previous stream is discarded.</summary>
    public void Reset(Stream source)
    {
        ArgumentNullException.ThrowIfNull(source);
        _source = source;
        _carryLen = 0;
        _eof = false;
    }

    /// <summary>
    /// Writes the next chunk into <c>buffer[0..n)</c> and returns n; returns 0 once the stream is exhausted
    /// (an empty stream yields no chunk). Reads the stream synchronously.
    /// </summary>
    /// <param name="buffer">Receives the chunk; at least <see cref="MaxSize"/> bytes.</param>
    public int Next(byte[] buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        if (buffer.Length < MaxSize)
            throw new ArgumentException($"the chunk buffer must hold at least {MaxSize} bytes", nameof(buffer));
        var source = _source ?? throw new InvalidOperationException("call Reset(stream) before Next");

        int len = 0;
        if (_carryLen > 0)
        {
            Buffer.BlockCopy(_carry, 0, buffer, 0, _carryLen);
            len = _carryLen;
            _carryLen = 0;
        }

        // Position whose window fingerprint is checked next; a cut after position p gives a chunk of p + 1 bytes.
        // Positions are checked up to MaxSize - 2; a chunk reaching MaxSize bytes is cut there regardless.
        int next = MinSize - 1;
        while (true)
        {
            int limit = Math.Min(len, MaxSize - 1);
            if (limit > next)
            {
                // Whole lane blocks are scanned as soon as they are buffered; a shorter tail waits for the next read
                // unless no more data can come.
                bool final = _eof || limit == MaxSize - 1;
                int p = FindCut(buffer, ref next, limit, final);
                if (p >= 0) return Cut(buffer, len, p + 1);
            }
            if (len >= MaxSize) return Cut(buffer, len, MaxSize);
            if (_eof) return len;

            // Before MinSize nothing is hashed, so read up to it in one go; past it read ReadSize at a time, so at
            // most ReadSize + BlockSize bytes lie beyond any cut (the unscanned tail plus one read).
            int want = Math.Min(ReadSize + Math.Max(0, MinSize - len), MaxSize - len);
            int n = source.ReadAtLeast(buffer.AsSpan(len, want), want, throwOnEndOfStream: false);
            if (n < want) _eof = true;
            len += n;
        }
    }

    private int Cut(byte[] buffer, int len, int cut)
    {
        int leftover = len - cut;
        Debug.Assert(leftover >= 0 && leftover <= _carry.Length);
        if (leftover > 0) Buffer.BlockCopy(buffer, cut, _carry, 0, leftover);
        _carryLen = leftover;
        return cut;
    }

    /// <summary>
    /// Scans positions [next, to) for the first p whose 64-byte window buffer[p-63..p] has a split fingerprint and
    /// returns it, or -1. Advances <paramref name="next"/> past what was scanned: everything when
    /// <paramref name="final"/>, else only whole 4-lane blocks. Requires next &gt;= 64.
    /// </summary>
    private unsafe int FindCut(byte[] buffer, ref int next, int to, bool final)
    {
        int from = next;
        Debug.Assert(from >= WindowSize && to <= buffer.Length);
        fixed (byte* buf = buffer)
        fixed (ulong* tab = _tables)
        {
            ulong* outT = tab;
            ulong* modT = tab + 256;
            int r;
            if (_polShift == 45)
            {
                for (; to - from >= BlockSize; from += BlockSize)
                    if ((r = Scan4(buf + from, outT, modT, default(Shift45))) >= 0) return from + r;
            }
            else
            {
                var shift = new AnyShift(_polShift);
                for (; to - from >= BlockSize; from += BlockSize)
                    if ((r = Scan4(buf + from, outT, modT, shift)) >= 0) return from + r;
            }
            if (final && from < to)
            {
                byte* p = buf + from;
                r = Scan1(p, 0, to - from, WarmUp(p, modT, _polShift), outT, modT, _polShift);
                if (r >= 0) return from + r;
                from = to;
            }
            next = from;
            return -1;
        }
    }

    /// <summary>Fingerprint of the 64 bytes before <paramref name="p"/>, from a zero state.</summary>
    private static unsafe ulong WarmUp(byte* p, ulong* modT, int shift)
    {
        ulong d = 0;
        for (int k = -WindowSize; k < 0; k++)
            d = ((d << 8) | p[k]) ^ modT[d >> shift];
        return d;
    }

    /// <summary>Rolls one lane over p[start..end) from digest <paramref name="d"/> (fingerprint of the window ending at p[start-1]).</summary>
    private static unsafe int Scan1(byte* p, int start, int end, ulong d, ulong* outT, ulong* modT, int shift)
    {
        for (int i = start; i < end; i++)
        {
            d ^= outT[p[i - WindowSize]];
            d = ((d << 8) | p[i]) ^ modT[d >> shift];
            if ((d & SplitMask) == 0) return i;
        }
        return -1;
    }

    private interface IShift
    {
        int Value { get; }
    }

    /// <summary>polShift for degree 53 (every restic polynomial): a JIT-time constant in the specialized kernel.</summary>
    private readonly struct Shift45 : IShift
    {
        public int Value => 45;
    }

    private readonly struct AnyShift(int value) : IShift
    {
        public int Value => value;
    }

    /// <summary>
    /// Scans p[0 .. BlockSize) as four interleaved lanes of <see cref="LaneSize"/> bytes; returns the first split
    /// position (relative to p) or -1. The lanes are independent dependency chains, which is what makes this fast.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe int Scan4<TShift>(byte* p, ulong* outT, ulong* modT, TShift sh) where TShift : struct, IShift
    {
        const int S = LaneSize;
        int shift = sh.Value;
        ulong d0 = 0, d1 = 0, d2 = 0, d3 = 0;
        for (byte* w = p - WindowSize; w < p; w++)
        {
            d0 = ((d0 << 8) | w[0]) ^ modT[d0 >> shift];
            d1 = ((d1 << 8) | w[S]) ^ modT[d1 >> shift];
            d2 = ((d2 << 8) | w[2 * S]) ^ modT[d2 >> shift];
            d3 = ((d3 << 8) | w[3 * S]) ^ modT[d3 >> shift];
        }
        byte* end = p + S;
        for (byte* q = p; q < end; q++)
        {
            d0 ^= outT[q[-WindowSize]];
            d1 ^= outT[q[S - WindowSize]];
            d2 ^= outT[q[2 * S - WindowSize]];
            d3 ^= outT[q[3 * S - WindowSize]];
            d0 = ((d0 << 8) | q[0]) ^ modT[d0 >> shift];
            d1 = ((d1 << 8) | q[S]) ^ modT[d1 >> shift];
            d2 = ((d2 << 8) | q[2 * S]) ^ modT[d2 >> shift];
            d3 = ((d3 << 8) | q[3 * S]) ^ modT[d3 >> shift];
            if ((d0 & SplitMask) == 0 || (d1 & SplitMask) == 0 || (d2 & SplitMask) == 0 || (d3 & SplitMask) == 0)
                return Resolve(p, (int)(q - p), d0, d1, d2, d3, outT, modT, shift);
        }
        return -1;
    }

    /// <summary>
    /// Some lane hit at step <paramref name="i"/> (none earlier). Lanes before the first hitting one may still hit
    /// later within their own segment, and those positions come first.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static unsafe int Resolve(byte* p, int i, ulong d0, ulong d1, ulong d2, ulong d3, ulong* outT, ulong* modT, int shift)
    {
        const int S = LaneSize;
        if ((d0 & SplitMask) == 0) return i;
        int r = Scan1(p, i + 1, S, d0, outT, modT, shift);
        if (r >= 0) return r;
        if ((d1 & SplitMask) == 0) return S + i;
        r = Scan1(p + S, i + 1, S, d1, outT, modT, shift);
        if (r >= 0) return S + r;
        if ((d2 & SplitMask) == 0) return 2 * S + i;
        r = Scan1(p + 2 * S, i + 1, S, d2, outT, modT, shift);
        if (r >= 0) return 2 * S + r;
        Debug.Assert((d3 & SplitMask) == 0);
        return 3 * S + i;
    }

    private static ulong[] BuildTables(ulong pol)
    {
        var t = new ulong[512];
        int k = BitOperations.Log2(pol);
        for (uint b = 0; b < 256; b++)
        {
            // out[b] = fingerprint of b followed by WindowSize-1 zero bytes
            ulong h = Polynomial.Mod(b, pol);
            for (int i = 0; i < WindowSize - 1; i++)
                h = Polynomial.Mod(h << 8, pol);
            t[b] = h;
            // mod[b] = (b * x^k mod pol) | b * x^k: one XOR both cancels the 8 bits above the degree and adds their reduction
            ulong high = (ulong)b << k;
            t[256 + b] = Polynomial.Mod(high, pol) | high;
        }
        return t;
    }
}
