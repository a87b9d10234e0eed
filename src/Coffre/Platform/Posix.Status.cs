using System.Runtime.InteropServices;

namespace Coffre.Platform;

public static unsafe partial class Posix
{
    /// <summary>Status of the path itself (a symlink is reported as a symlink). statx with AT_SYMLINK_NOFOLLOW.</summary>
    public static FileStatus LStat(ReadOnlySpan<byte> path)
        => StatCore(path, LibC.AT_SYMLINK_NOFOLLOW, out FileStatus status) == 0 ? status : throw Fail("lstat", path);

    /// <summary>Status of the file the path resolves to (symlinks followed).</summary>
    public static FileStatus Stat(ReadOnlySpan<byte> path)
        => StatCore(path, 0, out FileStatus status) == 0 ? status : throw Fail("stat", path);

    /// <summary>Like <see cref="LStat"/> but returns the errno (0 on success) instead of throwing.</summary>
    public static int TryLStat(ReadOnlySpan<byte> path, out FileStatus status)
        => StatCore(path, LibC.AT_SYMLINK_NOFOLLOW, out status) == 0 ? 0 : Marshal.GetLastPInvokeError();

    /// <summary>True when lstat succeeds (a dangling symlink exists).</summary>
    public static bool Exists(ReadOnlySpan<byte> path) => StatCore(path, LibC.AT_SYMLINK_NOFOLLOW, out _) == 0;

    private static int StatCore(ReadOnlySpan<byte> path, int flags, out FileStatus status)
    {
        using var native = new NativePath(path, stackalloc byte[NativePath.StackSize]);
        LibC.Statx buffer;
        int result;
        fixed (byte* p = native)
        {
            do
            {
                result = LibC.statx(LibC.AT_FDCWD, p, flags, LibC.STATX_BASIC_STATS, &buffer);
            }
            while (result != 0 && Interrupted);
        }
        status = result == 0 ? ToFileStatus(in buffer) : default;
        return result;
    }

    private static FileStatus ToFileStatus(in LibC.Statx s) => new(
        Mode: s.stx_mode,
        Inode: s.stx_ino,
        Device: FileStatus.MakeDevice(s.stx_dev_major, s.stx_dev_minor),
        Links: s.stx_nlink,
        Uid: s.stx_uid,
        Gid: s.stx_gid,
        Size: (long)s.stx_size,
        RDev: FileStatus.MakeDevice(s.stx_rdev_major, s.stx_rdev_minor),
        AccessTime: new UnixTime(s.stx_atime.tv_sec, (int)s.stx_atime.tv_nsec),
        ModifyTime: new UnixTime(s.stx_mtime.tv_sec, (int)s.stx_mtime.tv_nsec),
        ChangeTime: new UnixTime(s.stx_ctime.tv_sec, (int)s.stx_ctime.tv_nsec));
}
