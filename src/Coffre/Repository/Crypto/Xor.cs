using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Coffre.Repository.Crypto;

internal static class Xor
{
    /// <summary>destination = a ^ b. destination may alias a or b exactly (element-wise, front to back).</summary>
    public static void Apply(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, Span<byte> destination)
    {
        int n = destination.Length;
        if (a.Length < n || b.Length < n) throw new ArgumentException("inputs shorter than destination");

        ref byte ra = ref MemoryMarshal.GetReference(a);
        ref byte rb = ref MemoryMarshal.GetReference(b);
        ref byte rd = ref MemoryMarshal.GetReference(destination);
        nuint i = 0, len = (nuint)n;

        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + 64 <= len; i += 64)
                (Vector512.LoadUnsafe(ref ra, i) ^ Vector512.LoadUnsafe(ref rb, i)).StoreUnsafe(ref rd, i);
        }
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 32 <= len; i += 32)
                (Vector256.LoadUnsafe(ref ra, i) ^ Vector256.LoadUnsafe(ref rb, i)).StoreUnsafe(ref rd, i);
        }
        if (Vector128.IsHardwareAccelerated)
        {
            for (; i + 16 <= len; i += 16)
                (Vector128.LoadUnsafe(ref ra, i) ^ Vector128.LoadUnsafe(ref rb, i)).StoreUnsafe(ref rd, i);
        }
        for (; i < len; i++)
            Unsafe.Add(ref rd, i) = (byte)(Unsafe.Add(ref ra, i) ^ Unsafe.Add(ref rb, i));
    }
}
