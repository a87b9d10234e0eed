using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Coffre.Platform;

/// <summary>The *at calls: every path is one name relative to an open folder, so no symlink on the way is followed.</summary>
internal static unsafe partial class LibC
{
    public const int AT_REMOVEDIR = 0x200;
    public const int AT_EMPTY_PATH = 0x1000;
    public const uint S_IFIFO = 0x1000;

    [LibraryImport(Lib, EntryPoint = "openat", SetLastError = true)]
    public static partial int openat(SafeFileHandle dirfd, byte* path, int flags, uint mode);

    [LibraryImport(Lib, EntryPoint = "mkdirat", SetLastError = true)]
    public static partial int mkdirat(SafeFileHandle dirfd, byte* path, uint mode);

    [LibraryImport(Lib, EntryPoint = "symlinkat", SetLastError = true)]
    public static partial int symlinkat(byte* target, SafeFileHandle dirfd, byte* linkPath);

    [LibraryImport(Lib, EntryPoint = "linkat", SetLastError = true)]
    public static partial int linkat(SafeFileHandle olddirfd, byte* oldPath, SafeFileHandle newdirfd, byte* newPath, int flags);

    [LibraryImport(Lib, EntryPoint = "mknodat", SetLastError = true)]
    public static partial int mknodat(SafeFileHandle dirfd, byte* path, uint mode, ulong dev);

    [LibraryImport(Lib, EntryPoint = "unlinkat", SetLastError = true)]
    public static partial int unlinkat(SafeFileHandle dirfd, byte* path, int flags);

    [LibraryImport(Lib, EntryPoint = "fchownat", SetLastError = true)]
    public static partial int fchownat(SafeFileHandle dirfd, byte* path, uint uid, uint gid, int flags);

    [LibraryImport(Lib, EntryPoint = "fchmodat", SetLastError = true)]
    public static partial int fchmodat(SafeFileHandle dirfd, byte* path, uint mode, int flags);

    [LibraryImport(Lib, EntryPoint = "utimensat", SetLastError = true)]
    public static partial int utimensat(SafeFileHandle dirfd, byte* path, Timespec* times, int flags);

    [LibraryImport(Lib, EntryPoint = "statx", SetLastError = true)]
    public static partial int statx(SafeFileHandle dirfd, byte* path, int flags, uint mask, Statx* buffer);

    [LibraryImport(Lib, EntryPoint = "fchown", SetLastError = true)]
    public static partial int fchown(SafeFileHandle fd, uint uid, uint gid);

    [LibraryImport(Lib, EntryPoint = "fchmod", SetLastError = true)]
    public static partial int fchmod(SafeFileHandle fd, uint mode);

    [LibraryImport(Lib, EntryPoint = "futimens", SetLastError = true)]
    public static partial int futimens(SafeFileHandle fd, Timespec* times);

    [LibraryImport(Lib, EntryPoint = "readlinkat", SetLastError = true)]
    public static partial nint readlinkat(SafeFileHandle dirfd, byte* path, byte* buffer, nuint size);

    /// <summary>Takes ownership of <paramref name="fd"/>: closedir closes it.</summary>
    [LibraryImport(Lib, EntryPoint = "fdopendir", SetLastError = true)]
    public static partial nint fdopendir(int fd);
}
