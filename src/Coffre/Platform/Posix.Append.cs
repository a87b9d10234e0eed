using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Coffre.Platform;

public static unsafe partial class Posix
{
    /// <summary>
    /// Opens (creating it with <paramref name="permissions"/>, subject to the umask) a file for appending:
    /// O_WRONLY|O_APPEND|O_CREAT|O_CLOEXEC|O_NOFOLLOW. With O_APPEND every <see cref="Append"/> lands at the end of
    /// the file as it is at that moment, so processes appending to the same file never overwrite each other.
    /// </summary>
    public static SafeFileHandle OpenAppend(ReadOnlySpan<byte> path, uint permissions)
    {
        int fd = OpenCore(path, LibC.O_WRONLY | LibC.O_APPEND | LibC.O_CREAT | LibC.O_CLOEXEC | LibC.O_NOFOLLOW, permissions);
        return fd >= 0 ? new SafeFileHandle(fd, ownsHandle: true) : throw Fail("open", path);
    }

    /// <summary>
    /// Writes <paramref name="data"/> with one write(2) (more only if the kernel takes less, which a regular file
    /// does not do short of a full disk): on a file opened by <see cref="OpenAppend"/> a line written this way is
    /// never interleaved with another process's line.
    /// </summary>
    public static void Append(SafeFileHandle handle, ReadOnlySpan<byte> data)
    {
        fixed (byte* p = data)
        {
            int done = 0;
            while (done < data.Length)
            {
                nint n = LibC.write(handle, p + done, (nuint)(data.Length - done));
                if (n < 0)
                {
                    if (Interrupted)
                    {
                        continue;
                    }
                    throw new PosixException("write", ReadOnlySpan<byte>.Empty, Marshal.GetLastPInvokeError());
                }
                done += (int)n;
            }
        }
    }

    /// <summary>
    /// Tries to take an exclusive flock(2) on a directory for up to <paramref name="timeout"/>. Returns the handle
    /// that holds the lock (dispose it to release), or null when the lock could not be had in time.
    /// </summary>
    public static SafeFileHandle? TryLockDirectory(ReadOnlySpan<byte> path, TimeSpan timeout)
    {
        int fd = OpenCore(path, LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_CLOEXEC, 0);
        if (fd < 0)
        {
            throw Fail("open", path);
        }
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        long deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (LibC.flock(handle, LibC.LOCK_EX | LibC.LOCK_NB) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if ((errno != Errno.EAGAIN && errno != Errno.EINTR) || Environment.TickCount64 >= deadline)
            {
                handle.Dispose();
                return null;
            }
            Thread.Sleep(5);
        }
        return handle; // closing the descriptor releases the lock
    }
}
