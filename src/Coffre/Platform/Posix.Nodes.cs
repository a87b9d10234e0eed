namespace Coffre.Platform;

public static unsafe partial class Posix
{
    /// <summary>Creates a named pipe (permissions subject to the umask).</summary>
    public static void MakeFifo(ReadOnlySpan<byte> path, uint permissions)
    {
        using var native = new NativePath(path, stackalloc byte[NativePath.StackSize]);
        fixed (byte* p = native)
        {
            if (LibC.mkfifo(p, permissions) != 0)
            {
                throw Fail("mkfifo", path);
            }
        }
    }

    /// <summary>mknod: <paramref name="mode"/> includes the type bits (S_IFCHR, S_IFBLK, ...); <paramref name="rdev"/> is makedev-encoded. Device nodes need root.</summary>
    public static void MakeNode(ReadOnlySpan<byte> path, uint mode, ulong rdev)
    {
        using var native = new NativePath(path, stackalloc byte[NativePath.StackSize]);
        fixed (byte* p = native)
        {
            if (LibC.mknod(p, mode, rdev) != 0)
            {
                throw Fail("mknod", path);
            }
        }
    }
}
