using System.Buffers;
using System.Runtime.InteropServices;

namespace Coffre.Platform;

/// <summary>
/// A raw path copied into a NUL-terminated buffer for a libc call: the caller's stack scratch when it fits,
/// otherwise a pooled array returned on <see cref="Dispose"/>. Pin it with <c>fixed (byte* p = nativePath)</c>.
/// </summary>
internal ref struct NativePath
{
    /// <summary>Size of the stack scratch callers pass in; longer paths use the array pool.</summary>
    public const int StackSize = 512;

    private byte[]? _rented;
    private readonly Span<byte> _buffer;

    public NativePath(ReadOnlySpan<byte> path, Span<byte> scratch)
    {
        if (path.Contains((byte)0))
        {
            throw new ArgumentException($"path contains a NUL byte: {UnixPath.ToDisplay(path)}", nameof(path));
        }
        if (path.Length + 1 > scratch.Length)
        {
            _rented = ArrayPool<byte>.Shared.Rent(path.Length + 1);
            scratch = _rented;
        }
        path.CopyTo(scratch);
        scratch[path.Length] = 0;
        _buffer = scratch[..(path.Length + 1)];
    }

    public readonly ref byte GetPinnableReference() => ref MemoryMarshal.GetReference(_buffer);

    public void Dispose()
    {
        if (_rented is not null)
        {
            ArrayPool<byte>.Shared.Return(_rented);
            _rented = null;
        }
    }
}
