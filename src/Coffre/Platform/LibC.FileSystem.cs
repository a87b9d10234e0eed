using System.Runtime.InteropServices;

namespace Coffre.Platform;

internal static unsafe partial class LibC
{
    /// <summary>struct statvfs (x86_64 glibc): eleven 8-byte fields, then six ints of padding.</summary>
    [StructLayout(LayoutKind.Sequential, Size = 112)]
    public struct StatVfs
    {
        public ulong f_bsize;
        public ulong f_frsize;
        public ulong f_blocks;
        public ulong f_bfree;
        public ulong f_bavail;
        public ulong f_files;
        public ulong f_ffree;
        public ulong f_favail;
        public ulong f_fsid;
        public ulong f_flag;
        public ulong f_namemax;
    }

    [LibraryImport(Lib, EntryPoint = "statvfs", SetLastError = true)]
    public static partial int statvfs(byte* path, StatVfs* buffer);
}
