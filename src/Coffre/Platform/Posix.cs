using System.Runtime.InteropServices;
using System.Text;

namespace Coffre.Platform;

/// <summary>
/// Direct libc calls on raw byte paths (any Linux file name round-trips, including invalid UTF-8).
/// Failures throw <see cref="PosixException"/>. This file: process information and shared helpers;
/// the file-system calls live in the other Posix.*.cs files.
/// </summary>
public static unsafe partial class Posix
{
    public static uint EffectiveUserId => LibC.geteuid();

    public static uint EffectiveGroupId => LibC.getegid();

    public static int ProcessId => Environment.ProcessId;

    /// <summary>True when a process with this id exists (kill(pid, 0) succeeds or fails with EPERM).</summary>
    public static bool IsProcessAlive(int pid)
    {
        if (pid <= 0)
        {
            return false; // 0 and negative ids address process groups, not a process
        }
        return LibC.kill(pid, 0) == 0 || Marshal.GetLastPInvokeError() == Errno.EPERM;
    }

    /// <summary>The full host name from gethostname (not truncated at the first dot).</summary>
    public static string GetHostName()
    {
        byte* buffer = stackalloc byte[256];
        if (LibC.gethostname(buffer, 256) != 0)
        {
            return Environment.MachineName;
        }
        buffer[255] = 0;
        return Encoding.UTF8.GetString(MemoryMarshal.CreateReadOnlySpanFromNullTerminated(buffer));
    }

    /// <summary>The current working directory as raw bytes.</summary>
    public static byte[] GetCurrentDirectory()
    {
        for (int size = 512; ; size *= 2)
        {
            byte[] buffer = new byte[size];
            fixed (byte* p = buffer)
            {
                if (LibC.getcwd(p, (nuint)size) != null)
                {
                    return MemoryMarshal.CreateReadOnlySpanFromNullTerminated(p).ToArray();
                }
            }
            int errno = Marshal.GetLastPInvokeError();
            if (errno != Errno.ERANGE || size >= 1 << 20)
            {
                throw new PosixException("getcwd", ReadOnlySpan<byte>.Empty, errno);
            }
        }
    }

    /// <summary>Builds the exception for the errno of the last P/Invoke call.</summary>
    private static PosixException Fail(string operation, ReadOnlySpan<byte> path)
        => new(operation, path, Marshal.GetLastPInvokeError());

    private static PosixException Fail(string operation, ReadOnlySpan<byte> path, ReadOnlySpan<byte> otherPath)
        => new(operation, path, otherPath, Marshal.GetLastPInvokeError());

    private static bool Interrupted => Marshal.GetLastPInvokeError() == Errno.EINTR;
}
