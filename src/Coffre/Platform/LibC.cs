using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Coffre.Platform;

/// <summary>Raw glibc imports (x86_64 Linux). Paths are NUL-terminated byte pointers; errno via SetLastError.</summary>
internal static unsafe partial class LibC
{
    private const string Lib = "libc";

    public const int O_RDONLY = 0;
    public const int O_WRONLY = 1;
    public const int O_CREAT = 0x40;
    public const int O_NONBLOCK = 0x800;
    public const int O_EXCL = 0x80;
    public const int O_TRUNC = 0x200;
    public const int O_DIRECTORY = 0x10000;
    public const int O_NOFOLLOW = 0x20000;
    public const int O_NOATIME = 0x40000;
    public const int O_CLOEXEC = 0x80000;
    public const int O_APPEND = 0x400;

    public const int LOCK_EX = 2;
    public const int LOCK_NB = 4;
    public const int LOCK_UN = 8;

    public const int F_GETFL = 3;
    public const int F_SETFL = 4;

    public const int AT_FDCWD = -100;
    public const int AT_SYMLINK_NOFOLLOW = 0x100;
    public const uint STATX_BASIC_STATS = 0x7FF;

    public const int POSIX_FADV_SEQUENTIAL = 2;
    public const int POSIX_FADV_DONTNEED = 4;

    [StructLayout(LayoutKind.Sequential)]
    public struct StatxTimestamp
    {
        public long tv_sec;
        public uint tv_nsec;
        public int __reserved;
    }

    /// <summary>struct statx: the same 256-byte layout on every architecture.</summary>
    [StructLayout(LayoutKind.Sequential, Size = 256)]
    public struct Statx
    {
        public uint stx_mask;
        public uint stx_blksize;
        public ulong stx_attributes;
        public uint stx_nlink;
        public uint stx_uid;
        public uint stx_gid;
        public ushort stx_mode;
        public ushort __spare0;
        public ulong stx_ino;
        public ulong stx_size;
        public ulong stx_blocks;
        public ulong stx_attributes_mask;
        public StatxTimestamp stx_atime;
        public StatxTimestamp stx_btime;
        public StatxTimestamp stx_ctime;
        public StatxTimestamp stx_mtime;
        public uint stx_rdev_major;
        public uint stx_rdev_minor;
        public uint stx_dev_major;
        public uint stx_dev_minor;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct Timespec
    {
        public long tv_sec;
        public long tv_nsec;
    }

    /// <summary>struct passwd (x86_64).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Passwd
    {
        public byte* pw_name;
        public byte* pw_passwd;
        public uint pw_uid;
        public uint pw_gid;
        public byte* pw_gecos;
        public byte* pw_dir;
        public byte* pw_shell;
    }

    /// <summary>struct group (x86_64).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct Group
    {
        public byte* gr_name;
        public byte* gr_passwd;
        public uint gr_gid;
        public byte** gr_mem;
    }

    [LibraryImport(Lib, EntryPoint = "statx", SetLastError = true)]
    public static partial int statx(int dirfd, byte* path, int flags, uint mask, Statx* buffer);

    [LibraryImport(Lib, EntryPoint = "opendir", SetLastError = true)]
    public static partial nint opendir(byte* path);

    /// <summary>Returns a struct dirent64*; NULL with errno 0 at the end of the directory.</summary>
    [LibraryImport(Lib, EntryPoint = "readdir64", SetLastError = true)]
    public static partial byte* readdir64(nint dir);

    [LibraryImport(Lib, EntryPoint = "closedir", SetLastError = true)]
    public static partial int closedir(nint dir);

    // open is variadic; on x86_64 passing the mode as a third int argument is ABI-compatible.
    [LibraryImport(Lib, EntryPoint = "open", SetLastError = true)]
    public static partial int open(byte* path, int flags, uint mode);

    // fcntl is variadic; F_GETFL/F_SETFL take at most one int argument, passed as a fixed int on x86_64.
    [LibraryImport(Lib, EntryPoint = "fcntl", SetLastError = true)]
    public static partial int fcntl(int fd, int command, int argument);

    [LibraryImport(Lib, EntryPoint = "close", SetLastError = true)]
    public static partial int close(int fd);

    [LibraryImport(Lib, EntryPoint = "fsync", SetLastError = true)]
    public static partial int fsync(int fd);

    [LibraryImport(Lib, EntryPoint = "write", SetLastError = true)]
    public static partial nint write(SafeFileHandle fd, byte* buffer, nuint count);

    [LibraryImport(Lib, EntryPoint = "flock", SetLastError = true)]
    public static partial int flock(SafeFileHandle fd, int operation);

    [LibraryImport(Lib, EntryPoint = "fsync", SetLastError = true)]
    public static partial int fsync(SafeFileHandle fd);

    /// <summary>Returns the error number directly (errno is not set).</summary>
    [LibraryImport(Lib, EntryPoint = "posix_fadvise")]
    public static partial int posix_fadvise(SafeFileHandle fd, long offset, long length, int advice);

    [LibraryImport(Lib, EntryPoint = "readlink", SetLastError = true)]
    public static partial nint readlink(byte* path, byte* buffer, nuint size);

    [LibraryImport(Lib, EntryPoint = "mkdir", SetLastError = true)]
    public static partial int mkdir(byte* path, uint mode);

    [LibraryImport(Lib, EntryPoint = "rmdir", SetLastError = true)]
    public static partial int rmdir(byte* path);

    [LibraryImport(Lib, EntryPoint = "unlink", SetLastError = true)]
    public static partial int unlink(byte* path);

    [LibraryImport(Lib, EntryPoint = "rename", SetLastError = true)]
    public static partial int rename(byte* from, byte* to);

    [LibraryImport(Lib, EntryPoint = "symlink", SetLastError = true)]
    public static partial int symlink(byte* target, byte* linkPath);

    [LibraryImport(Lib, EntryPoint = "link", SetLastError = true)]
    public static partial int link(byte* existing, byte* newPath);

    [LibraryImport(Lib, EntryPoint = "mkfifo", SetLastError = true)]
    public static partial int mkfifo(byte* path, uint mode);

    [LibraryImport(Lib, EntryPoint = "mknod", SetLastError = true)]
    public static partial int mknod(byte* path, uint mode, ulong dev);

    [LibraryImport(Lib, EntryPoint = "lchown", SetLastError = true)]
    public static partial int lchown(byte* path, uint uid, uint gid);

    [LibraryImport(Lib, EntryPoint = "chmod", SetLastError = true)]
    public static partial int chmod(byte* path, uint mode);

    [LibraryImport(Lib, EntryPoint = "utimensat", SetLastError = true)]
    public static partial int utimensat(int dirfd, byte* path, Timespec* times, int flags);

    [LibraryImport(Lib, EntryPoint = "getcwd", SetLastError = true)]
    public static partial byte* getcwd(byte* buffer, nuint size);

    [LibraryImport(Lib, EntryPoint = "geteuid")]
    public static partial uint geteuid();

    [LibraryImport(Lib, EntryPoint = "getegid")]
    public static partial uint getegid();

    [LibraryImport(Lib, EntryPoint = "kill", SetLastError = true)]
    public static partial int kill(int pid, int signal);

    [LibraryImport(Lib, EntryPoint = "gethostname", SetLastError = true)]
    public static partial int gethostname(byte* name, nuint length);

    /// <summary>The *_r lookups return the error number directly; *result is NULL when not found.</summary>
    [LibraryImport(Lib, EntryPoint = "getpwuid_r")]
    public static partial int getpwuid_r(uint uid, Passwd* pwd, byte* buffer, nuint length, Passwd** result);

    [LibraryImport(Lib, EntryPoint = "getpwnam_r")]
    public static partial int getpwnam_r(byte* name, Passwd* pwd, byte* buffer, nuint length, Passwd** result);

    [LibraryImport(Lib, EntryPoint = "getgrgid_r")]
    public static partial int getgrgid_r(uint gid, Group* grp, byte* buffer, nuint length, Group** result);

    [LibraryImport(Lib, EntryPoint = "getgrnam_r")]
    public static partial int getgrnam_r(byte* name, Group* grp, byte* buffer, nuint length, Group** result);
}
