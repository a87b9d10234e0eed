namespace Coffre.Platform;

public static unsafe partial class Posix
{
    /// <summary>The raw target bytes of a symlink.</summary>
    public static byte[] ReadLink(ReadOnlySpan<byte> path)
    {
        using var native = new NativePath(path, stackalloc byte[NativePath.StackSize]);
        fixed (byte* p = native)
        {
            for (int size = 256; ; size *= 4)
            {
                byte[] buffer = new byte[size];
                nint length;
                fixed (byte* b = buffer)
                {
                    length = LibC.readlink(p, b, (nuint)size);
                }
                if (length < 0)
                {
                    throw Fail("readlink", path);
                }
                if (length < size)
                {
                    return buffer.AsSpan(0, (int)length).ToArray();
                }
                // Possibly truncated: retry with a larger buffer.
            }
        }
    }

    /// <summary>Creates a symlink at <paramref name="linkPath"/> pointing to <paramref name="target"/> (stored verbatim).</summary>
    public static void Symlink(ReadOnlySpan<byte> target, ReadOnlySpan<byte> linkPath)
    {
        using var nativeTarget = new NativePath(target, stackalloc byte[NativePath.StackSize]);
        using var nativeLink = new NativePath(linkPath, stackalloc byte[NativePath.StackSize]);
        fixed (byte* t = nativeTarget)
        fixed (byte* l = nativeLink)
        {
            if (LibC.symlink(t, l) != 0)
            {
                throw Fail("symlink", linkPath);
            }
        }
    }

    /// <summary>Creates a hard link <paramref name="newPath"/> to <paramref name="existing"/>.</summary>
    public static void Link(ReadOnlySpan<byte> existing, ReadOnlySpan<byte> newPath)
    {
        using var nativeExisting = new NativePath(existing, stackalloc byte[NativePath.StackSize]);
        using var nativeNew = new NativePath(newPath, stackalloc byte[NativePath.StackSize]);
        fixed (byte* e = nativeExisting)
        fixed (byte* n = nativeNew)
        {
            if (LibC.link(e, n) != 0)
            {
                throw Fail("link", existing, newPath);
            }
        }
    }

    public static void Unlink(ReadOnlySpan<byte> path)
    {
        using var native = new NativePath(path, stackalloc byte[NativePath.StackSize]);
        fixed (byte* p = native)
        {
            if (LibC.unlink(p) != 0)
            {
                throw Fail("unlink", path);
            }
        }
    }

    /// <summary>rename(2): atomically replaces <paramref name="to"/> if it exists.</summary>
    public static void Rename(ReadOnlySpan<byte> from, ReadOnlySpan<byte> to)
    {
        using var nativeFrom = new NativePath(from, stackalloc byte[NativePath.StackSize]);
        using var nativeTo = new NativePath(to, stackalloc byte[NativePath.StackSize]);
        fixed (byte* f = nativeFrom)
        fixed (byte* t = nativeTo)
        {
            if (LibC.rename(f, t) != 0)
            {
                throw Fail("rename", from, to);
            }
        }
    }
}
