using System.Runtime.Versioning;
using Coffre.Chunking;

namespace Coffre.Tests.Chunking;

/// <summary>
/// A deliberately literal, slow, byte-at-a-time transcription of restic/chunker's state machine (window array,
/// per-chunk reset sliding in 0x01, MinSize-64 skipped bytes, cut test), used to cross-check <see cref="Chunker"/>.
/// </summary>
[SupportedOSPlatform("linux")] // Coffre is Linux-only (assembly attribute)
internal static class ReferenceChunker
{
    public static List<int> Split(ReadOnlySpan<byte> data, Polynomial pol)
    {
        const int windowSize = 64;
        const ulong splitMask = (1UL << 20) - 1;
        int deg = pol.Degree;
        int polShift = deg - 8;
        var outTable = new ulong[256];
        var modTable = new ulong[256];
        for (int b = 0; b < 256; b++)
        {
            ulong h = AppendByte(0, (byte)b, pol.Value);
            for (int i = 0; i < windowSize - 1; i++) h = AppendByte(h, 0, pol.Value);
            outTable[b] = h;
            modTable[b] = Polynomial.Mod((ulong)b << deg, pol.Value) | ((ulong)b << deg);
        }

        var window = new byte[windowSize];
        int wpos = 0;
        ulong digest = 0;
        int count = 0, pre = 0;

        void Slide(byte b)
        {
            byte o = window[wpos];
            window[wpos] = b;
            digest ^= outTable[o];
            wpos = (wpos + 1) % windowSize;
            ulong index = digest >> polShift;
            digest <<= 8;
            digest |= b;
            digest ^= modTable[index];
        }

        void Reset()
        {
            Array.Clear(window);
            wpos = 0;
            count = 0;
            digest = 0;
            Slide(1);
            pre = Chunker.MinSize - windowSize;
        }

        var sizes = new List<int>();
        Reset();
        foreach (byte b in data)
        {
            if (pre > 0)
            {
                pre--;
                count++;
                continue;
            }
            Slide(b);
            count++;
            if (count < Chunker.MinSize) continue;
            if ((digest & splitMask) == 0 || count >= Chunker.MaxSize)
            {
                sizes.Add(count);
                Reset();
            }
        }
        if (count > 0) sizes.Add(count);
        return sizes;
    }

    private static ulong AppendByte(ulong hash, byte b, ulong pol) => Polynomial.Mod((hash << 8) | b, pol);
}

/// <summary>Returns at most <c>max</c> bytes per Read, like a pipe or a slow network stream.</summary>
[SupportedOSPlatform("linux")] // Coffre is Linux-only (assembly attribute)
internal sealed class TrickleStream(Stream inner, int max) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
    public override int Read(Span<byte> buffer) => inner.Read(buffer[..Math.Min(buffer.Length, max)]);
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
