using System.Runtime.InteropServices;

namespace Coffre.Platform;

public static unsafe partial class Posix
{
    private const int DirentNameOffset = 19; // struct dirent64: d_ino u64, d_off i64, d_reclen u16, d_type u8, d_name

    /// <summary>All entry names of a directory except "." and "..", as raw bytes, in the order readdir returns them.</summary>
    public static List<byte[]> ReadDirectory(ReadOnlySpan<byte> path)
    {
        nint dir;
        using (var native = new NativePath(path, stackalloc byte[NativePath.StackSize]))
        {
            fixed (byte* p = native)
            {
                do
                {
                    dir = LibC.opendir(p);
                }
                while (dir == 0 && Interrupted);
            }
        }
        if (dir == 0)
        {
            throw Fail("opendir", path);
        }

        try
        {
            var names = new List<byte[]>();
            while (true)
            {
                byte* entry = LibC.readdir64(dir); // the stub clears errno before the call
                if (entry == null)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    return errno == 0 ? names : throw new PosixException("readdir", path, errno);
                }
                ReadOnlySpan<byte> name = MemoryMarshal.CreateReadOnlySpanFromNullTerminated(entry + DirentNameOffset);
                if (name is [(byte)'.'] || name is [(byte)'.', (byte)'.'])
                {
                    continue;
                }
                names.Add(name.ToArray());
            }
        }
        finally
        {
            _ = LibC.closedir(dir);
        }
    }

    /// <summary>mkdir; an existing directory (or symlink to one) at the path is not an error.</summary>
    public static void MakeDirectory(ReadOnlySpan<byte> path, uint permissions)
    {
        int errno = MakeDirectoryCore(path, permissions);
        if (errno != 0 && !(errno == Errno.EEXIST && IsDirectoryFollowingLinks(path)))
        {
            throw new PosixException("mkdir", path, errno);
        }
    }

    /// <summary>Like mkdir -p: creates missing parents (with the same permissions, subject to umask).</summary>
    public static void MakeDirectoryAll(ReadOnlySpan<byte> path, uint permissions)
    {
        int errno = MakeDirectoryCore(path, permissions);
        if (errno == Errno.ENOENT)
        {
            ReadOnlySpan<byte> parent = ParentOf(path);
            if (!parent.IsEmpty)
            {
                MakeDirectoryAll(parent, permissions);
                errno = MakeDirectoryCore(path, permissions);
            }
        }
        if (errno != 0 && !(errno == Errno.EEXIST && IsDirectoryFollowingLinks(path)))
        {
            throw new PosixException("mkdir", path, errno);
        }
    }

    public static void RemoveDirectory(ReadOnlySpan<byte> path)
    {
        using var native = new NativePath(path, stackalloc byte[NativePath.StackSize]);
        fixed (byte* p = native)
        {
            if (LibC.rmdir(p) != 0)
            {
                throw Fail("rmdir", path);
            }
        }
    }

    /// <summary>Makes a directory's entries (creations, renames) durable: open(O_RDONLY|O_DIRECTORY), fsync, close.</summary>
    public static void FsyncDirectory(ReadOnlySpan<byte> path)
    {
        int fd = OpenCore(path, LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_CLOEXEC, 0);
        if (fd < 0)
        {
            throw Fail("open", path);
        }
        try
        {
            int result;
            do
            {
                result = LibC.fsync(fd);
            }
            while (result != 0 && Interrupted);
            if (result != 0)
            {
                throw Fail("fsync", path);
            }
        }
        finally
        {
            _ = LibC.close(fd);
        }
    }

    /// <summary>Returns 0 or the errno of mkdir.</summary>
    private static int MakeDirectoryCore(ReadOnlySpan<byte> path, uint permissions)
    {
        using var native = new NativePath(path, stackalloc byte[NativePath.StackSize]);
        fixed (byte* p = native)
        {
            return LibC.mkdir(p, permissions) == 0 ? 0 : Marshal.GetLastPInvokeError();
        }
    }

    private static bool IsDirectoryFollowingLinks(ReadOnlySpan<byte> path)
        => StatCore(path, 0, out FileStatus status) == 0 && status.IsDirectory;

    /// <summary>The path without its last component (trailing slashes ignored); empty when there is no parent to create.</summary>
    private static ReadOnlySpan<byte> ParentOf(ReadOnlySpan<byte> path)
    {
        ReadOnlySpan<byte> trimmed = path.TrimEnd((byte)'/');
        int slash = trimmed.LastIndexOf((byte)'/');
        if (slash < 0)
        {
            return ReadOnlySpan<byte>.Empty;
        }
        ReadOnlySpan<byte> parent = trimmed[..slash].TrimEnd((byte)'/');
        return parent; // empty for "/x": the root always exists
    }
}
