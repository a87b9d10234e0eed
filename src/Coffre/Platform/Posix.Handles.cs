using Microsoft.Win32.SafeHandles;

namespace Coffre.Platform;

public static unsafe partial class Posix
{
    /// <summary>
    /// Applies owner (when given), permissions (07777) and times to an open file or folder through its descriptor
    /// (fchown, fchmod, futimens), in that order: chown clears setuid bits, so the mode comes after it.
    /// <paramref name="path"/> is only for messages.
    /// </summary>
    public static void SetMetadata(SafeFileHandle handle, ReadOnlySpan<byte> path, uint? owner, uint? group, uint permissions, UnixTime access, UnixTime modify)
    {
        if (owner is { } uid && LibC.fchown(handle, uid, group ?? uint.MaxValue) != 0) throw Fail("chown", path);
        if (LibC.fchmod(handle, permissions & 0xFFF) != 0) throw Fail("chmod", path);
        LibC.Timespec* times = stackalloc LibC.Timespec[2];
        times[0] = new LibC.Timespec { tv_sec = access.Seconds, tv_nsec = access.Nanoseconds };
        times[1] = new LibC.Timespec { tv_sec = modify.Seconds, tv_nsec = modify.Nanoseconds };
        if (LibC.futimens(handle, times) != 0) throw Fail("utimensat", path);
    }

    internal static FileStatus ToStatus(in LibC.Statx s) => ToFileStatus(in s);
}
