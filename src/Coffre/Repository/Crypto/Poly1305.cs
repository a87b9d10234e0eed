using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Coffre.Repository.Crypto;

/// <summary>
/// The Poly1305 one-time authenticator (RFC 8439 §2.5): tag = ((Σ mᵢ·r^(n+1-i)) mod 2^130-5 + s) mod 2^128.
/// The scalar code works in radix 2^64 (h = h0 + h1·2^64 + h2·2^128, four 64×64→128 products per block, as in
/// OpenSSL's poly1305.c). Long inputs go through a vector kernel (five 26-bit limbs per lane, VPMULUDQ) running
/// 8 (AVX-512) or 4 (AVX2) interleaved Horner chains in r^8 / r^4, folded with r^8..r^1 on their last block.
/// Constant time (no secret-dependent branches or indices) and allocation-free; one instance per thread
/// (see <see cref="Poly1305Aes"/>).
/// </summary>
internal sealed class Poly1305
{
    public const int BlockSize = 16;
    public const int TagSize = 16;

    private const ulong M26 = 0x3ff_ffff;
    private const int MaxLanes = 8;

    /// <summary>The vector kernel runs only when at least this many blocks per lane are available (below that scalar wins).</summary>
    private const int MinGroups = 2;

    private static readonly int s_lanes =
        Vector512.IsHardwareAccelerated && Avx512F.IsSupported ? 8 : Vector256.IsHardwareAccelerated && Avx2.IsSupported ? 4 : 0;

    private ulong _r0, _r1;       // clamped r (so r1 is a multiple of 4 and r < 2^124)
    private ulong _h0, _h1, _h2;  // accumulator; h2 stays below 8 (partially reduced mod 2^130-5)
    private ulong _pad0, _pad1;   // s
    private readonly byte[] _partial = new byte[BlockSize];
    private int _partialLength;

    // r^1..r^8 fully reduced, as 26-bit limbs: _powers[5*(k-1) + limb]. Cached per r (one key per thread in practice).
    private readonly ulong[] _powers = new ulong[MaxLanes * 5];
    private bool _powersValid;

    private readonly int _lanes;

    public Poly1305() => _lanes = s_lanes;

    /// <summary>Tests: forces a kernel (0 scalar, 4 AVX2, 8 AVX-512); it must be supported (see <see cref="SupportedLanes"/>).</summary>
    internal Poly1305(int lanes)
    {
        if (!SupportedLanes.Contains(lanes)) throw new PlatformNotSupportedException($"no {lanes}-lane Poly1305 kernel on this CPU");
        _lanes = lanes;
    }

    /// <summary>Vector lanes of the kernel used on this CPU (8 AVX-512, 4 AVX2, 0 scalar only).</summary>
    internal static int Lanes => s_lanes;

    /// <summary>The kernels this CPU can run.</summary>
    internal static int[] SupportedLanes
    {
        get
        {
            var lanes = new List<int> { 0 };
            if (Avx2.IsSupported) lanes.Add(4);
            if (Avx512F.IsSupported) lanes.Add(8);
            return [.. lanes];
        }
    }

    /// <summary>Starts a message with the 16-byte r (clamped here) and the 16-byte s.</summary>
    public void Init(ReadOnlySpan<byte> r, ReadOnlySpan<byte> s)
    {
        if (r.Length != 16 || s.Length != 16) throw new ArgumentException("r and s are 16 bytes each");
        ulong r0 = BinaryPrimitives.ReadUInt64LittleEndian(r) & 0x0ffffffc0fffffff; // the clamp
        ulong r1 = BinaryPrimitives.ReadUInt64LittleEndian(r[8..]) & 0x0ffffffc0ffffffc;
        if (r0 != _r0 || r1 != _r1)
        {
            _r0 = r0;
            _r1 = r1;
            _powersValid = false;
        }
        _h0 = _h1 = _h2 = 0;
        _pad0 = BinaryPrimitives.ReadUInt64LittleEndian(s);
        _pad1 = BinaryPrimitives.ReadUInt64LittleEndian(s[8..]);
        _partialLength = 0;
    }

    public void Update(ReadOnlySpan<byte> data)
    {
        if (_partialLength > 0)
        {
            int take = Math.Min(BlockSize - _partialLength, data.Length);
            data[..take].CopyTo(_partial.AsSpan(_partialLength));
            _partialLength += take;
            data = data[take..];
            if (_partialLength < BlockSize) return;
            Blocks(_partial, 1);
            _partialLength = 0;
        }

        int full = data.Length & ~(BlockSize - 1);
        if (full > 0)
        {
            ReadOnlySpan<byte> blocks = data[..full];
            int lanes = _lanes;
            if (lanes != 0 && full >= MinGroups * lanes * BlockSize)
            {
                int groupBytes = lanes * BlockSize;
                int vectorBytes = full / groupBytes * groupBytes;
                EnsurePowers();
                if (lanes == 8) BlocksAvx512(blocks[..vectorBytes]);
                else BlocksAvx2(blocks[..vectorBytes]);
                blocks = blocks[vectorBytes..];
            }
            if (!blocks.IsEmpty) Blocks(blocks, 1);
        }

        ReadOnlySpan<byte> rest = data[full..];
        if (!rest.IsEmpty)
        {
            rest.CopyTo(_partial);
            _partialLength = rest.Length;
        }
    }

    /// <summary>Writes the tag and forgets the message state (call <see cref="Init"/> before the next message).</summary>
    public void Final(Span<byte> tag)
    {
        if (tag.Length < TagSize) throw new ArgumentException("the tag is 16 bytes", nameof(tag));
        if (_partialLength > 0)
        {
            Span<byte> last = _partial;
            last[_partialLength] = 1; // a short last block gets its 1 bit right after the data, and no 2^128 bit
            last[(_partialLength + 1)..].Clear();
            Blocks(last, 0);
            _partialLength = 0;
        }

        ulong h0 = _h0, h1 = _h1, h2 = _h2;
        FullyReduce(ref h0, ref h1, ref h2);

        // (h + s) mod 2^128
        h0 += _pad0;
        ulong c = h0 < _pad0 ? 1UL : 0UL;
        h1 += _pad1 + c;
        BinaryPrimitives.WriteUInt64LittleEndian(tag, h0);
        BinaryPrimitives.WriteUInt64LittleEndian(tag[8..], h1);

        _h0 = _h1 = _h2 = _pad0 = _pad1 = 0;
        Array.Clear(_partial);
    }

    /// <summary>h mod 2^130-5 for h below 2·(2^130-5), in constant time: subtracts p once when h ≥ p.</summary>
    private static void FullyReduce(ref ulong h0, ref ulong h1, ref ulong h2)
    {
        ulong g0 = h0 + 5;
        ulong c = g0 < 5 ? 1UL : 0UL;
        ulong g1 = h1 + c;
        c = g1 < c ? 1UL : 0UL;
        ulong g2 = h2 + c;
        ulong useG = 0 - (g2 >> 2); // all ones when h + 5 reaches 2^130, i.e. h ≥ p
        h0 = (h0 & ~useG) | (g0 & useG);
        h1 = (h1 & ~useG) | (g1 & useG);
        h2 = (h2 & ~useG) | (g2 & 3 & useG);
    }

    /// <summary>h = h·r mod 2^130-5, partially reduced (h2 ≤ 4 afterwards); r clamped, h2 below 8 on entry.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MulR(ref ulong h0, ref ulong h1, ref ulong h2, ulong r0, ulong r1, ulong s1)
    {
        // 2^130 ≡ 5, and r1 ≡ 0 (mod 4), so h1·r1·2^128 ≡ h1·s1 and h2·r1·2^192 ≡ h2·s1·2^64 with s1 = 5·r1/4.
        ulong d0hi = Math.BigMul(h0, r0, out ulong d0lo);
        ulong hi = Math.BigMul(h1, s1, out ulong lo);
        d0lo += lo;
        d0hi += hi + (d0lo < lo ? 1UL : 0UL);

        ulong d1hi = Math.BigMul(h0, r1, out ulong d1lo);
        hi = Math.BigMul(h1, r0, out lo);
        d1lo += lo;
        d1hi += hi + (d1lo < lo ? 1UL : 0UL);
        lo = h2 * s1;        // h2 < 8, s1 < 2^61
        d1lo += lo;
        d1hi += d1lo < lo ? 1UL : 0UL;
        d1lo += d0hi;
        d1hi += d1lo < d0hi ? 1UL : 0UL;

        h0 = d0lo;
        h1 = d1lo;
        h2 = h2 * r0 + d1hi; // the 2^128 part (< 2^64)

        // Fold the bits from 2^130 up back in: c·2^130 ≡ 5c.
        ulong c = (h2 >> 2) + (h2 & ~3UL);
        h2 &= 3;
        h0 += c;
        c = h0 < c ? 1UL : 0UL;
        h1 += c;
        c = h1 < c ? 1UL : 0UL;
        h2 += c;
    }

    /// <summary>h = (h + m)·r for each 16-byte block; <paramref name="padBit"/> is 1 (the 2^128 bit) or 0 for the padded last block.</summary>
    private void Blocks(ReadOnlySpan<byte> m, ulong padBit)
    {
        ulong r0 = _r0, r1 = _r1, s1 = r1 + (r1 >> 2);
        ulong h0 = _h0, h1 = _h1, h2 = _h2;

        ref byte p = ref MemoryMarshal.GetReference(m);
        nuint end = (nuint)(uint)m.Length;
        for (nuint off = 0; off < end; off += BlockSize)
        {
            ulong t0 = ReadLE64(ref p, off);
            ulong t1 = ReadLE64(ref p, off + 8);
            h0 += t0;
            ulong c = h0 < t0 ? 1UL : 0UL;
            h1 += c;
            ulong c2 = h1 < c ? 1UL : 0UL;
            h1 += t1;
            c2 += h1 < t1 ? 1UL : 0UL;
            h2 += c2 + padBit;
            MulR(ref h0, ref h1, ref h2, r0, r1, s1);
        }
        _h0 = h0;
        _h1 = h1;
        _h2 = h2;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong ReadLE64(ref byte p, nuint offset)
    {
        ulong v = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref p, offset));
        return BitConverter.IsLittleEndian ? v : BinaryPrimitives.ReverseEndianness(v);
    }

    private void EnsurePowers()
    {
        if (_powersValid) return;
        ulong r0 = _r0, r1 = _r1, s1 = r1 + (r1 >> 2);
        ulong p0 = r0, p1 = r1, p2 = 0;
        for (int k = 0; k < MaxLanes; k++)
        {
            if (k > 0) MulR(ref p0, ref p1, ref p2, r0, r1, s1);
            ulong q0 = p0, q1 = p1, q2 = p2;
            FullyReduce(ref q0, ref q1, ref q2); // canonical, so every 26-bit limb is below 2^26
            Span<ulong> limbs = _powers.AsSpan(5 * k, 5);
            limbs[0] = q0 & M26;
            limbs[1] = (q0 >> 26) & M26;
            limbs[2] = ((q0 >> 52) | (q1 << 12)) & M26;
            limbs[3] = (q1 >> 14) & M26;
            limbs[4] = (q1 >> 40) | (q2 << 24);
        }
        _powersValid = true;
    }

    /// <summary>The accumulator as 26-bit limbs (h2 ≤ 4, so the top limb stays below 2^27).</summary>
    private void HTo26(out ulong a0, out ulong a1, out ulong a2, out ulong a3, out ulong a4)
    {
        ulong h0 = _h0, h1 = _h1, h2 = _h2;
        a0 = h0 & M26;
        a1 = (h0 >> 26) & M26;
        a2 = ((h0 >> 52) | (h1 << 12)) & M26;
        a3 = (h1 >> 14) & M26;
        a4 = (h1 >> 40) | (h2 << 24);
    }

    /// <summary>Sets the accumulator from 26-bit limb sums (each below 2^32), carried so that h2 ≤ 4 like after a scalar block.</summary>
    private void HFrom26(ulong l0, ulong l1, ulong l2, ulong l3, ulong l4)
    {
        ulong c = l0 >> 26; l0 &= M26;
        l1 += c; c = l1 >> 26; l1 &= M26;
        l2 += c; c = l2 >> 26; l2 &= M26;
        l3 += c; c = l3 >> 26; l3 &= M26;
        l4 += c; c = l4 >> 26; l4 &= M26;
        l0 += c * 5; c = l0 >> 26; l0 &= M26;
        l1 += c; c = l1 >> 26; l1 &= M26;
        l2 += c; c = l2 >> 26; l2 &= M26;
        l3 += c; c = l3 >> 26; l3 &= M26;
        l4 += c; // l0..l3 < 2^26, l4 ≤ 2^26
        _h0 = l0 | (l1 << 26) | (l2 << 52);
        _h1 = (l2 >> 12) | (l3 << 14) | (l4 << 40);
        _h2 = l4 >> 24;
    }

    // ---- AVX-512: 8 lanes, 128 bytes per step ----

    private void BlocksAvx512(ReadOnlySpan<byte> m)
    {
        ReadOnlySpan<ulong> pw = _powers;
        // Lane order after the unpacks below is blocks 0,4,1,5,2,6,3,7 of each group: the last group's lane L is
        // multiplied by r^(8 - block(L)) so that every block ends up with its own power.
        var n0 = Vector512.Create(pw[35]); var n1 = Vector512.Create(pw[36]); var n2 = Vector512.Create(pw[37]);
        var n3 = Vector512.Create(pw[38]); var n4 = Vector512.Create(pw[39]);
        var f0 = Final512(pw, 0); var f1 = Final512(pw, 1); var f2 = Final512(pw, 2); var f3 = Final512(pw, 3); var f4 = Final512(pw, 4);
        var ns1 = n1 * 5; var ns2 = n2 * 5; var ns3 = n3 * 5; var ns4 = n4 * 5;
        var fs1 = f1 * 5; var fs2 = f2 * 5; var fs3 = f3 * 5; var fs4 = f4 * 5;

        HTo26(out ulong a0, out ulong a1, out ulong a2, out ulong a3, out ulong a4);
        var h0 = Vector512.CreateScalar(a0); var h1 = Vector512.CreateScalar(a1); var h2 = Vector512.CreateScalar(a2);
        var h3 = Vector512.CreateScalar(a3); var h4 = Vector512.CreateScalar(a4);

        ref byte p = ref MemoryMarshal.GetReference(m);
        nuint last = (nuint)(uint)m.Length - 128;
        nuint off = 0;
        for (; off < last; off += 128)
        {
            Add512(ref p, off, ref h0, ref h1, ref h2, ref h3, ref h4);
            MulReduce512(ref h0, ref h1, ref h2, ref h3, ref h4, n0, n1, n2, n3, n4, ns1, ns2, ns3, ns4);
        }
        Add512(ref p, off, ref h0, ref h1, ref h2, ref h3, ref h4);
        MulReduce512(ref h0, ref h1, ref h2, ref h3, ref h4, f0, f1, f2, f3, f4, fs1, fs2, fs3, fs4);

        HFrom26(Vector512.Sum(h0), Vector512.Sum(h1), Vector512.Sum(h2), Vector512.Sum(h3), Vector512.Sum(h4));
    }

    private static Vector512<ulong> Final512(ReadOnlySpan<ulong> pw, int limb) =>
        Vector512.Create(pw[35 + limb], pw[15 + limb], pw[30 + limb], pw[10 + limb],
                         pw[25 + limb], pw[5 + limb], pw[20 + limb], pw[limb]); // r^8 r^4 r^7 r^3 r^6 r^2 r^5 r^1

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Add512(ref byte p, nuint off, ref Vector512<ulong> h0, ref Vector512<ulong> h1, ref Vector512<ulong> h2,
                               ref Vector512<ulong> h3, ref Vector512<ulong> h4)
    {
        var mask = Vector512.Create(M26);
        var v0 = Vector512.LoadUnsafe(ref Unsafe.Add(ref p, off)).AsUInt64();
        var v1 = Vector512.LoadUnsafe(ref Unsafe.Add(ref p, off + 64)).AsUInt64();
        var lo = Avx512F.UnpackLow(v0, v1);  // low 64 bits of blocks 0,4,1,5,2,6,3,7
        var hi = Avx512F.UnpackHigh(v0, v1); // high 64 bits
        h0 += lo & mask;
        h1 += (lo >> 26) & mask;
        h2 += ((lo >> 52) | (hi << 12)) & mask;
        h3 += (hi >> 14) & mask;
        h4 += (hi >> 40) | Vector512.Create(1UL << 24);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<ulong> Mul(Vector512<ulong> a, Vector512<ulong> b) => Avx512F.Multiply(a.AsUInt32(), b.AsUInt32());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MulReduce512(ref Vector512<ulong> h0, ref Vector512<ulong> h1, ref Vector512<ulong> h2, ref Vector512<ulong> h3,
                                     ref Vector512<ulong> h4, Vector512<ulong> r0, Vector512<ulong> r1, Vector512<ulong> r2,
                                     Vector512<ulong> r3, Vector512<ulong> r4,
                                     Vector512<ulong> s1, Vector512<ulong> s2, Vector512<ulong> s3, Vector512<ulong> s4)
    {
        var d0 = Mul(h0, r0) + Mul(h1, s4) + Mul(h2, s3) + Mul(h3, s2) + Mul(h4, s1);
        var d1 = Mul(h0, r1) + Mul(h1, r0) + Mul(h2, s4) + Mul(h3, s3) + Mul(h4, s2);
        var d2 = Mul(h0, r2) + Mul(h1, r1) + Mul(h2, r0) + Mul(h3, s4) + Mul(h4, s3);
        var d3 = Mul(h0, r3) + Mul(h1, r2) + Mul(h2, r1) + Mul(h3, r0) + Mul(h4, s4);
        var d4 = Mul(h0, r4) + Mul(h1, r3) + Mul(h2, r2) + Mul(h3, r1) + Mul(h4, r0);

        var mask = Vector512.Create(M26);
        var c = d0 >> 26; d0 &= mask; d1 += c;
        c = d3 >> 26; d3 &= mask; d4 += c;
        c = d1 >> 26; d1 &= mask; d2 += c;
        c = d4 >> 26; d4 &= mask; d0 += c + (c << 2);
        c = d2 >> 26; d2 &= mask; d3 += c;
        c = d0 >> 26; d0 &= mask; d1 += c;
        c = d3 >> 26; d3 &= mask; d4 += c;
        h0 = d0; h1 = d1; h2 = d2; h3 = d3; h4 = d4;
    }

    // ---- AVX2: 4 lanes, 64 bytes per step ----

    private void BlocksAvx2(ReadOnlySpan<byte> m)
    {
        ReadOnlySpan<ulong> pw = _powers;
        // Lane order after the unpacks is blocks 0,2,1,3: the last group's lanes take r^4 r^2 r^3 r^1.
        var n0 = Vector256.Create(pw[15]); var n1 = Vector256.Create(pw[16]); var n2 = Vector256.Create(pw[17]);
        var n3 = Vector256.Create(pw[18]); var n4 = Vector256.Create(pw[19]);
        var f0 = Final256(pw, 0); var f1 = Final256(pw, 1); var f2 = Final256(pw, 2); var f3 = Final256(pw, 3); var f4 = Final256(pw, 4);
        var ns1 = n1 * 5; var ns2 = n2 * 5; var ns3 = n3 * 5; var ns4 = n4 * 5;
        var fs1 = f1 * 5; var fs2 = f2 * 5; var fs3 = f3 * 5; var fs4 = f4 * 5;

        HTo26(out ulong a0, out ulong a1, out ulong a2, out ulong a3, out ulong a4);
        var h0 = Vector256.CreateScalar(a0); var h1 = Vector256.CreateScalar(a1); var h2 = Vector256.CreateScalar(a2);
        var h3 = Vector256.CreateScalar(a3); var h4 = Vector256.CreateScalar(a4);

        ref byte p = ref MemoryMarshal.GetReference(m);
        nuint last = (nuint)(uint)m.Length - 64;
        nuint off = 0;
        for (; off < last; off += 64)
        {
            Add256(ref p, off, ref h0, ref h1, ref h2, ref h3, ref h4);
            MulReduce256(ref h0, ref h1, ref h2, ref h3, ref h4, n0, n1, n2, n3, n4, ns1, ns2, ns3, ns4);
        }
        Add256(ref p, off, ref h0, ref h1, ref h2, ref h3, ref h4);
        MulReduce256(ref h0, ref h1, ref h2, ref h3, ref h4, f0, f1, f2, f3, f4, fs1, fs2, fs3, fs4);

        HFrom26(Vector256.Sum(h0), Vector256.Sum(h1), Vector256.Sum(h2), Vector256.Sum(h3), Vector256.Sum(h4));
    }

    private static Vector256<ulong> Final256(ReadOnlySpan<ulong> pw, int limb) =>
        Vector256.Create(pw[15 + limb], pw[5 + limb], pw[10 + limb], pw[limb]); // r^4 r^2 r^3 r^1

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Add256(ref byte p, nuint off, ref Vector256<ulong> h0, ref Vector256<ulong> h1, ref Vector256<ulong> h2,
                               ref Vector256<ulong> h3, ref Vector256<ulong> h4)
    {
        var mask = Vector256.Create(M26);
        var v0 = Vector256.LoadUnsafe(ref Unsafe.Add(ref p, off)).AsUInt64();
        var v1 = Vector256.LoadUnsafe(ref Unsafe.Add(ref p, off + 32)).AsUInt64();
        var lo = Avx2.UnpackLow(v0, v1);  // low 64 bits of blocks 0,2,1,3
        var hi = Avx2.UnpackHigh(v0, v1);
        h0 += lo & mask;
        h1 += (lo >> 26) & mask;
        h2 += ((lo >> 52) | (hi << 12)) & mask;
        h3 += (hi >> 14) & mask;
        h4 += (hi >> 40) | Vector256.Create(1UL << 24);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<ulong> Mul(Vector256<ulong> a, Vector256<ulong> b) => Avx2.Multiply(a.AsUInt32(), b.AsUInt32());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void MulReduce256(ref Vector256<ulong> h0, ref Vector256<ulong> h1, ref Vector256<ulong> h2, ref Vector256<ulong> h3,
                                     ref Vector256<ulong> h4, Vector256<ulong> r0, Vector256<ulong> r1, Vector256<ulong> r2,
                                     Vector256<ulong> r3, Vector256<ulong> r4,
                                     Vector256<ulong> s1, Vector256<ulong> s2, Vector256<ulong> s3, Vector256<ulong> s4)
    {
        var d0 = Mul(h0, r0) + Mul(h1, s4) + Mul(h2, s3) + Mul(h3, s2) + Mul(h4, s1);
        var d1 = Mul(h0, r1) + Mul(h1, r0) + Mul(h2, s4) + Mul(h3, s3) + Mul(h4, s2);
        var d2 = Mul(h0, r2) + Mul(h1, r1) + Mul(h2, r0) + Mul(h3, s4) + Mul(h4, s3);
        var d3 = Mul(h0, r3) + Mul(h1, r2) + Mul(h2, r1) + Mul(h3, r0) + Mul(h4, s4);
        var d4 = Mul(h0, r4) + Mul(h1, r3) + Mul(h2, r2) + Mul(h3, r1) + Mul(h4, r0);

        var mask = Vector256.Create(M26);
        var c = d0 >> 26; d0 &= mask; d1 += c;
        c = d3 >> 26; d3 &= mask; d4 += c;
        c = d1 >> 26; d1 &= mask; d2 += c;
        c = d4 >> 26; d4 &= mask; d0 += c + (c << 2);
        c = d2 >> 26; d2 &= mask; d3 += c;
        c = d0 >> 26; d0 &= mask; d1 += c;
        c = d3 >> 26; d3 &= mask; d4 += c;
        h0 = d0; h1 = d1; h2 = d2; h3 = d3; h4 = d4;
    }
}
