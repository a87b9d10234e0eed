using Microsoft.Win32.SafeHandles;

namespace Coffre.Platform;

public static unsafe partial class Posix
{
    /// <summary>
    /// Opens a file for reading without following a final symlink (O_RDONLY|O_CLOEXEC|O_NOFOLLOW, plus O_NOATIME when
    /// permitted). The handle works with <see cref="RandomAccess.Read(SafeFileHandle, Span{byte}, long)"/> and
    /// <c>new FileStream(handle, FileAccess.Read, bufferSize: 0)</c>.
    /// The open itself uses O_NONBLOCK (cleared right after), so a file swapped for a FIFO between lstat and open
    /// cannot hang the caller: reading such a FIFO without a writer just gives end of file.
    /// </summary>
    public static SafeFileHandle OpenRead(ReadOnlySpan<byte> path)
    {
        const int Flags = LibC.O_RDONLY | LibC.O_CLOEXEC | LibC.O_NOFOLLOW | LibC.O_NONBLOCK;
        int fd = OpenCore(path, Flags | LibC.O_NOATIME, 0);
        if (fd < 0 && System.Runtime.InteropServices.Marshal.GetLastPInvokeError() == Errno.EPERM)
        {
            fd = OpenCore(path, Flags, 0); // O_NOATIME needs ownership or CAP_FOWNER
        }
        if (fd < 0)
        {
            throw Fail("open", path);
        }
        int status = LibC.fcntl(fd, LibC.F_GETFL, 0);
        if (status < 0 || LibC.fcntl(fd, LibC.F_SETFL, status & ~LibC.O_NONBLOCK) < 0)
        {
            PosixException error = Fail("fcntl", path);
            _ = LibC.close(fd);
            throw error;
        }
        return new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>
    /// Creates (or truncates) a file for writing: O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC|O_NOFOLLOW, plus O_EXCL when
    /// <paramref name="exclusive"/>. <paramref name="permissions"/> are subject to the umask.
    /// </summary>
    public static SafeFileHandle CreateFile(ReadOnlySpan<byte> path, uint permissions, bool exclusive)
    {
        int flags = LibC.O_WRONLY | LibC.O_CREAT | LibC.O_TRUNC | LibC.O_CLOEXEC | LibC.O_NOFOLLOW;
        if (exclusive)
        {
            flags |= LibC.O_EXCL;
        }
        int fd = OpenCore(path, flags, permissions);
        return fd >= 0 ? new SafeFileHandle(fd, ownsHandle: true) : throw Fail("open", path);
    }

    public static void Fsync(SafeFileHandle handle)
    {
        int result;
        do
        {
            result = LibC.fsync(handle);
        }
        while (result != 0 && Interrupted);
        if (result != 0)
        {
            throw Fail("fsync", UnixPath.FromString($"(fd {handle.DangerousGetHandle()})"));
        }
    }

    /// <summary>posix_fadvise(POSIX_FADV_SEQUENTIAL) on the whole file; errors are ignored.</summary>
    public static void AdviseSequential(SafeFileHandle handle)
        => _ = LibC.posix_fadvise(handle, 0, 0, LibC.POSIX_FADV_SEQUENTIAL);

    /// <summary>posix_fadvise(POSIX_FADV_DONTNEED) on a range (length 0 = to the end); errors are ignored.</summary>
    public static void AdviseDontNeed(SafeFileHandle handle, long offset, long length)
        => _ = LibC.posix_fadvise(handle, offset, length, LibC.POSIX_FADV_DONTNEED);

    /// <summary>open, retried on EINTR; returns the fd or -1 with errno set.</summary>
    private static int OpenCore(ReadOnlySpan<byte> path, int flags, uint mode)
    {
        using var native = new NativePath(path, stackalloc byte[NativePath.StackSize]);
        fixed (byte* p = native)
        {
            int fd;
            do
            {
                fd = LibC.open(p, flags, mode);
            }
            while (fd < 0 && Interrupted);
            return fd;
        }
    }
}
