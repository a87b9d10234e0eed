namespace Coffre.Platform;

/// <summary>Sizes of a mounted file system, in bytes.</summary>
/// <param name="Available">Free bytes an unprivileged process may use (statvfs f_bavail): what a write can count on.</param>
/// <param name="Used">Bytes in use (total minus free blocks).</param>
public readonly record struct FileSystemSpace(long Total, long Available, long Used);

public static unsafe partial class Posix
{
    /// <summary>The sizes of the file system holding <paramref name="path"/> (statvfs).</summary>
    public static FileSystemSpace StatFileSystem(ReadOnlySpan<byte> path)
    {
        using var native = new NativePath(path, stackalloc byte[NativePath.StackSize]);
        LibC.StatVfs s;
        int result;
        fixed (byte* p = native)
        {
            do
            {
                result = LibC.statvfs(p, &s);
            }
            while (result != 0 && Interrupted);
        }
        if (result != 0)
        {
            throw Fail("statvfs", path);
        }
        var block = (long)(s.f_frsize != 0 ? s.f_frsize : s.f_bsize);
        return new FileSystemSpace((long)s.f_blocks * block, (long)s.f_bavail * block, (long)(s.f_blocks - s.f_bfree) * block);
    }
}
