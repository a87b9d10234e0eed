namespace Coffre.Model;

/// <summary>
/// Conversions between Unix <c>st_mode</c> and Go's <c>os.FileMode</c>, the value restic stores in a
/// node's <c>mode</c> (permission bits plus Go type bits, not the Unix encoding).
/// </summary>
public static class GoFileMode
{
    public const uint ModeDir = 1u << 31;
    public const uint ModeAppend = 1u << 30;
    public const uint ModeExclusive = 1u << 29;
    public const uint ModeTemporary = 1u << 28;
    public const uint ModeSymlink = 1u << 27;
    public const uint ModeDevice = 1u << 26;
    public const uint ModeNamedPipe = 1u << 25;
    public const uint ModeSocket = 1u << 24;
    public const uint ModeSetuid = 1u << 23;
    public const uint ModeSetgid = 1u << 22;
    public const uint ModeCharDevice = 1u << 21;
    public const uint ModeSticky = 1u << 20;
    public const uint ModeIrregular = 1u << 19;
    public const uint ModePerm = 0x1FF; // 0777

    // Unix st_mode bits.
    private const uint SIfmt = 0xF000;   // 0170000
    private const uint SIfsock = 0xC000; // 0140000
    private const uint SIflnk = 0xA000;  // 0120000
    private const uint SIfreg = 0x8000;  // 0100000
    private const uint SIfblk = 0x6000;  // 060000
    private const uint SIfdir = 0x4000;  // 040000
    private const uint SIfchr = 0x2000;  // 020000
    private const uint SIfifo = 0x1000;  // 010000
    private const uint SIsuid = 0x800;   // 04000
    private const uint SIsgid = 0x400;   // 02000
    private const uint SIsvtx = 0x200;   // 01000

    /// <summary>Go's <c>os.FileMode</c> for a Unix <c>st_mode</c> (as <c>os.Lstat</c> computes it on Linux).</summary>
    public static uint FromUnix(uint stMode)
    {
        var mode = stMode & ModePerm;
        switch (stMode & SIfmt)
        {
            case SIfblk: mode |= ModeDevice; break;
            case SIfchr: mode |= ModeDevice | ModeCharDevice; break;
            case SIfdir: mode |= ModeDir; break;
            case SIfifo: mode |= ModeNamedPipe; break;
            case SIflnk: mode |= ModeSymlink; break;
            case SIfsock: mode |= ModeSocket; break;
        }
        if ((stMode & SIsuid) != 0) mode |= ModeSetuid;
        if ((stMode & SIsgid) != 0) mode |= ModeSetgid;
        if ((stMode & SIsvtx) != 0) mode |= ModeSticky;
        return mode;
    }

    /// <summary>The Unix permission bits (<c>chmod</c> argument) of a Go mode: perm | setuid 04000 | setgid 02000 | sticky 01000.</summary>
    public static uint ToUnixPermissions(uint goMode)
    {
        var mode = goMode & ModePerm;
        if ((goMode & ModeSetuid) != 0) mode |= SIsuid;
        if ((goMode & ModeSetgid) != 0) mode |= SIsgid;
        if ((goMode & ModeSticky) != 0) mode |= SIsvtx;
        return mode;
    }

    /// <summary>A full Unix <c>st_mode</c> (type bits + permissions) for a Go mode; regular file when no type bit is set.</summary>
    public static uint ToUnix(uint goMode)
    {
        uint type;
        if ((goMode & ModeDir) != 0) type = SIfdir;
        else if ((goMode & ModeSymlink) != 0) type = SIflnk;
        else if ((goMode & ModeDevice) != 0) type = (goMode & ModeCharDevice) != 0 ? SIfchr : SIfblk;
        else if ((goMode & ModeNamedPipe) != 0) type = SIfifo;
        else if ((goMode & ModeSocket) != 0) type = SIfsock;
        else type = SIfreg;
        return type | ToUnixPermissions(goMode);
    }

    /// <summary>The restic node type for a Unix <c>st_mode</c>.</summary>
    public static NodeType NodeTypeFromUnix(uint stMode) => (stMode & SIfmt) switch
    {
        SIfreg => NodeType.File,
        SIfdir => NodeType.Dir,
        SIflnk => NodeType.Symlink,
        SIfblk => NodeType.Dev,
        SIfchr => NodeType.CharDev,
        SIfifo => NodeType.Fifo,
        SIfsock => NodeType.Socket,
        _ => NodeType.Irregular,
    };
}
