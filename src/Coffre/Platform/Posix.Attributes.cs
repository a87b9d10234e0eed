namespace Coffre.Platform;

public static unsafe partial class Posix
{
    /// <summary>Changes owner and group without following a final symlink.</summary>
    public static void LChown(ReadOnlySpan<byte> path, uint uid, uint gid)
    {
        using var native = new NativePath(path, stackalloc byte[NativePath.StackSize]);
        fixed (byte* p = native)
        {
            if (LibC.lchown(p, uid, gid) != 0)
            {
                throw Fail("lchown", path);
            }
        }
    }

    /// <summary>chmod(2) with the permission bits including setuid, setgid and sticky (07777). Follows symlinks.</summary>
    public static void Chmod(ReadOnlySpan<byte> path, uint permissions)
    {
        using var native = new NativePath(path, stackalloc byte[NativePath.StackSize]);
        fixed (byte* p = native)
        {
            if (LibC.chmod(p, permissions & 0xFFF) != 0)
            {
                throw Fail("chmod", path);
            }
        }
    }

    /// <summary>Sets access and modification times with nanosecond precision; on a symlink, the link itself (AT_SYMLINK_NOFOLLOW).</summary>
    public static void SetTimes(ReadOnlySpan<byte> path, UnixTime access, UnixTime modify)
    {
        LibC.Timespec* times = stackalloc LibC.Timespec[2];
        times[0] = new LibC.Timespec { tv_sec = access.Seconds, tv_nsec = access.Nanoseconds };
        times[1] = new LibC.Timespec { tv_sec = modify.Seconds, tv_nsec = modify.Nanoseconds };
        using var native = new NativePath(path, stackalloc byte[NativePath.StackSize]);
        fixed (byte* p = native)
        {
            if (LibC.utimensat(LibC.AT_FDCWD, p, times, LibC.AT_SYMLINK_NOFOLLOW) != 0)
            {
                throw Fail("utimensat", path);
            }
        }
    }
}
