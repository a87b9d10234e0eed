using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Coffre.Platform;

/// <summary>
/// An open folder, and every operation on an entry of it by name (openat, mkdirat, symlinkat, linkat, mknodat,
/// unlinkat, fchownat, fchmodat, utimensat): the name is one path component, never followed if it is a symlink,
/// and the folder cannot be swapped for another under the caller. This is how a restore stays inside its target
/// whatever a snapshot or someone who can write the target puts there. <see cref="Path"/> is only for messages.
/// </summary>
public sealed unsafe class DirectoryHandle : IDisposable
{
    private const int DirectoryFlags = LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_CLOEXEC;
    private const int DirentNameOffset = 19; // struct dirent64: d_ino u64, d_off i64, d_reclen u16, d_type u8, d_name
    private readonly SafeFileHandle _fd;

    private DirectoryHandle(SafeFileHandle fd, byte[] path)
    {
        _fd = fd;
        Path = path;
    }

    /// <summary>The folder's path as the caller named it (for messages only; no call uses it).</summary>
    public byte[] Path { get; }

    /// <summary>
    /// Opens a folder the caller chose (a restore target). Symlinks among its parents are followed, as the caller
    /// wrote them; the folder itself must not be a symlink.
    /// </summary>
    public static DirectoryHandle Open(ReadOnlySpan<byte> path)
    {
        using var native = new NativePath(path, stackalloc byte[NativePath.StackSize]);
        fixed (byte* p = native)
        {
            int fd;
            do fd = LibC.open(p, DirectoryFlags | LibC.O_NOFOLLOW, 0);
            while (fd < 0 && Interrupted);
            return fd >= 0 ? new DirectoryHandle(new SafeFileHandle(fd, ownsHandle: true), path.ToArray()) : throw Fail("open", path);
        }
    }

    /// <summary>The path of an entry, for messages.</summary>
    public byte[] PathOf(ReadOnlySpan<byte> name) => UnixPath.Join(Path, name);

    /// <summary>Opens the folder <paramref name="name"/>; fails (ELOOP, ENOTDIR) when it is a symlink or not a folder.</summary>
    public DirectoryHandle OpenDirectory(ReadOnlySpan<byte> name)
    {
        int fd = OpenAt(name, DirectoryFlags | LibC.O_NOFOLLOW, 0);
        return fd >= 0 ? new DirectoryHandle(new SafeFileHandle(fd, ownsHandle: true), PathOf(name)) : throw Fail("open", PathOf(name));
    }

    /// <summary>mkdirat; returns 0 or the errno (EEXIST when something, of any type, is there).</summary>
    public int TryMakeDirectory(ReadOnlySpan<byte> name, uint permissions)
    {
        using var native = Native(name, stackalloc byte[NativePath.StackSize]);
        fixed (byte* p = native)
            return LibC.mkdirat(_fd, p, permissions) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary>Creates a new file for writing (O_CREAT|O_EXCL|O_NOFOLLOW): never opens, truncates or follows what is there.</summary>
    public SafeFileHandle CreateFile(ReadOnlySpan<byte> name, uint permissions)
    {
        int fd = OpenAt(name, LibC.O_WRONLY | LibC.O_CREAT | LibC.O_EXCL | LibC.O_NOFOLLOW | LibC.O_CLOEXEC, permissions);
        return fd >= 0 ? new SafeFileHandle(fd, ownsHandle: true) : throw Fail("open", PathOf(name));
    }

    /// <summary>Status of the entry itself (a symlink is reported as a symlink); 0 or the errno.</summary>
    public int TryStat(ReadOnlySpan<byte> name, out FileStatus status)
    {
        using var native = Native(name, stackalloc byte[NativePath.StackSize]);
        LibC.Statx buffer;
        int result;
        fixed (byte* p = native)
        {
            do result = LibC.statx(_fd, p, LibC.AT_SYMLINK_NOFOLLOW, LibC.STATX_BASIC_STATS, &buffer);
            while (result != 0 && Interrupted);
        }
        status = result == 0 ? Posix.ToStatus(in buffer) : default;
        return result == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    /// <summary>The target of the symlink <paramref name="name"/>; null when it is not a symlink (or is gone).</summary>
    public byte[]? TryReadLink(ReadOnlySpan<byte> name)
    {
        using var native = Native(name, stackalloc byte[NativePath.StackSize]);
        fixed (byte* p = native)
        {
            for (int size = 256; size <= 1 << 16; size *= 4)
            {
                byte[] buffer = new byte[size];
                nint length;
                fixed (byte* b = buffer) length = LibC.readlinkat(_fd, p, b, (nuint)size);
                if (length < 0) return null;
                if (length < size) return buffer.AsSpan(0, (int)length).ToArray();
            }
            return null;
        }
    }

    public void Symlink(ReadOnlySpan<byte> target, ReadOnlySpan<byte> name)
    {
        using var nativeTarget = new NativePath(target, stackalloc byte[NativePath.StackSize]);
        using var native = Native(name, stackalloc byte[NativePath.StackSize]);
        fixed (byte* t = nativeTarget)
        fixed (byte* p = native)
            if (LibC.symlinkat(t, _fd, p) != 0) throw Fail("symlink", PathOf(name));
    }

    /// <summary>mknodat: <paramref name="mode"/> holds the type bits (S_IFIFO, S_IFCHR, S_IFBLK).</summary>
    public void MakeNode(ReadOnlySpan<byte> name, uint mode, ulong device)
    {
        using var native = Native(name, stackalloc byte[NativePath.StackSize]);
        fixed (byte* p = native)
            if (LibC.mknodat(_fd, p, mode, device) != 0) throw Fail("mknod", PathOf(name));
    }

    /// <summary>Hard link <paramref name="toDir"/>/<paramref name="toName"/> to the entry <paramref name="fromDir"/>/<paramref name="fromName"/> (a symlink there is linked, not followed).</summary>
    public static void Link(DirectoryHandle fromDir, ReadOnlySpan<byte> fromName, DirectoryHandle toDir, ReadOnlySpan<byte> toName)
    {
        using var nativeFrom = Native(fromName, stackalloc byte[NativePath.StackSize]);
        using var nativeTo = Native(toName, stackalloc byte[NativePath.StackSize]);
        fixed (byte* f = nativeFrom)
        fixed (byte* t = nativeTo)
            if (LibC.linkat(fromDir._fd, f, toDir._fd, t, 0) != 0)
                throw new PosixException("link", fromDir.PathOf(fromName), toDir.PathOf(toName), Marshal.GetLastPInvokeError());
    }

    /// <summary>Removes a non-folder entry (a symlink itself, never what it points to).</summary>
    public void Unlink(ReadOnlySpan<byte> name) => UnlinkCore(name, 0, "unlink");

    /// <summary>Removes an empty folder.</summary>
    public void RemoveDirectory(ReadOnlySpan<byte> name) => UnlinkCore(name, LibC.AT_REMOVEDIR, "rmdir");

    /// <summary>The folder's entry names except "." and "..".</summary>
    public List<byte[]> ReadEntries()
    {
        int fd = OpenAt("."u8, DirectoryFlags, 0);
        if (fd < 0) throw Fail("open", Path);
        nint dir = LibC.fdopendir(fd);
        if (dir == 0)
        {
            var error = Fail("opendir", Path);
            _ = LibC.close(fd);
            throw error;
        }
        try
        {
            var names = new List<byte[]>();
            while (true)
            {
                byte* entry = LibC.readdir64(dir);
                if (entry == null)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    return errno == 0 ? names : throw new PosixException("readdir", Path, errno);
                }
                ReadOnlySpan<byte> name = MemoryMarshal.CreateReadOnlySpanFromNullTerminated(entry + DirentNameOffset);
                if (name is [(byte)'.'] || name is [(byte)'.', (byte)'.']) continue;
                names.Add(name.ToArray());
            }
        }
        finally
        {
            _ = LibC.closedir(dir);
        }
    }

    /// <summary>Owner of an entry, not following a symlink (fchownat AT_SYMLINK_NOFOLLOW).</summary>
    public void SetOwner(ReadOnlySpan<byte> name, uint uid, uint gid)
    {
        using var native = Native(name, stackalloc byte[NativePath.StackSize]);
        fixed (byte* p = native)
            if (LibC.fchownat(_fd, p, uid, gid, LibC.AT_SYMLINK_NOFOLLOW) != 0) throw Fail("lchown", PathOf(name));
    }

    /// <summary>Permissions of an entry that is not a symlink (fchmodat AT_SYMLINK_NOFOLLOW: a symlink there is an error, never followed).</summary>
    public void SetPermissions(ReadOnlySpan<byte> name, uint permissions)
    {
        using var native = Native(name, stackalloc byte[NativePath.StackSize]);
        fixed (byte* p = native)
            if (LibC.fchmodat(_fd, p, permissions & 0xFFF, LibC.AT_SYMLINK_NOFOLLOW) != 0) throw Fail("chmod", PathOf(name));
    }

    /// <summary>Times of an entry, of a symlink itself (utimensat AT_SYMLINK_NOFOLLOW).</summary>
    public void SetTimes(ReadOnlySpan<byte> name, UnixTime access, UnixTime modify)
    {
        LibC.Timespec* times = stackalloc LibC.Timespec[2];
        times[0] = new LibC.Timespec { tv_sec = access.Seconds, tv_nsec = access.Nanoseconds };
        times[1] = new LibC.Timespec { tv_sec = modify.Seconds, tv_nsec = modify.Nanoseconds };
        using var native = Native(name, stackalloc byte[NativePath.StackSize]);
        fixed (byte* p = native)
            if (LibC.utimensat(_fd, p, times, LibC.AT_SYMLINK_NOFOLLOW) != 0) throw Fail("utimensat", PathOf(name));
    }

    /// <summary>Owner, permissions and times of this folder itself, through its descriptor.</summary>
    public void SetMetadata(uint? owner, uint? group, uint permissions, UnixTime access, UnixTime modify)
        => Posix.SetMetadata(_fd, Path, owner, group, permissions, access, modify);

    public void Dispose() => _fd.Dispose();

    private void UnlinkCore(ReadOnlySpan<byte> name, int flags, string operation)
    {
        using var native = Native(name, stackalloc byte[NativePath.StackSize]);
        fixed (byte* p = native)
            if (LibC.unlinkat(_fd, p, flags) != 0) throw Fail(operation, PathOf(name));
    }

    private int OpenAt(ReadOnlySpan<byte> name, int flags, uint mode)
    {
        using var native = Native(name, stackalloc byte[NativePath.StackSize]);
        fixed (byte* p = native)
        {
            int fd;
            do fd = LibC.openat(_fd, p, flags, mode);
            while (fd < 0 && Interrupted);
            return fd;
        }
    }

    /// <summary>A single name: a '/' in it would walk out of this folder, so it is refused here too.</summary>
    private static NativePath Native(ReadOnlySpan<byte> name, Span<byte> scratch)
    {
        if (name.IsEmpty || name.Contains((byte)'/'))
            throw new ArgumentException($"not a single file name: {UnixPath.ToDisplay(name)}", nameof(name));
        return new NativePath(name, scratch);
    }

    private static bool Interrupted => Marshal.GetLastPInvokeError() == Errno.EINTR;

    private static PosixException Fail(string operation, ReadOnlySpan<byte> path) => new(operation, path, Marshal.GetLastPInvokeError());
}
