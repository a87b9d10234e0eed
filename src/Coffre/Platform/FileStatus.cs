namespace Coffre.Platform;

/// <summary>
/// What <c>statx</c> reports about a file. <see cref="Mode"/> includes the type bits (S_IFMT);
/// <see cref="Device"/> and <see cref="RDev"/> are encoded like glibc <c>makedev(major, minor)</c>.
/// </summary>
public readonly record struct FileStatus(
    uint Mode,
    ulong Inode,
    ulong Device,
    ulong Links,
    uint Uid,
    uint Gid,
    long Size,
    ulong RDev,
    UnixTime AccessTime,
    UnixTime ModifyTime,
    UnixTime ChangeTime)
{
    public const uint TypeMask = 0xF000;        // S_IFMT
    public const uint TypeSocket = 0xC000;      // S_IFSOCK
    public const uint TypeSymlink = 0xA000;     // S_IFLNK
    public const uint TypeRegular = 0x8000;     // S_IFREG
    public const uint TypeBlockDevice = 0x6000; // S_IFBLK
    public const uint TypeDirectory = 0x4000;   // S_IFDIR
    public const uint TypeCharDevice = 0x2000;  // S_IFCHR
    public const uint TypeFifo = 0x1000;        // S_IFIFO

    /// <summary>The permission bits including setuid, setgid and sticky (07777).</summary>
    public uint Permissions => Mode & 0xFFF;

    /// <summary>The type bits (S_IFMT part of the mode).</summary>
    public uint Type => Mode & TypeMask;

    public bool IsDirectory => Type == TypeDirectory;
    public bool IsRegularFile => Type == TypeRegular;
    public bool IsSymlink => Type == TypeSymlink;
    public bool IsFifo => Type == TypeFifo;
    public bool IsSocket => Type == TypeSocket;
    public bool IsCharDevice => Type == TypeCharDevice;
    public bool IsBlockDevice => Type == TypeBlockDevice;

    /// <summary>glibc <c>makedev</c>.</summary>
    public static ulong MakeDevice(uint major, uint minor)
        => ((ulong)(major & 0x00000FFFu) << 8)
         | ((ulong)(major & 0xFFFFF000u) << 32)
         | (minor & 0x000000FFu)
         | ((ulong)(minor & 0xFFFFFF00u) << 12);

    /// <summary>glibc <c>major</c>.</summary>
    public static uint DeviceMajor(ulong device)
        => (uint)(((device >> 8) & 0x00000FFFu) | ((device >> 32) & 0xFFFFF000u));

    /// <summary>glibc <c>minor</c>.</summary>
    public static uint DeviceMinor(ulong device)
        => (uint)((device & 0x000000FFu) | ((device >> 12) & 0xFFFFFF00u));
}
