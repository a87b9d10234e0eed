using System.Runtime.InteropServices;

namespace Coffre.Platform;

/// <summary>
/// A failed libc call. <see cref="Errno"/> is the raw errno; <see cref="Path"/> the raw bytes of the path involved.
/// Message: "&lt;operation&gt; &lt;path&gt;: &lt;strerror&gt;", the path shown as UTF-8 with invalid bytes as \xNN.
/// </summary>
public sealed class PosixException : IOException
{
    public PosixException(string operation, ReadOnlySpan<byte> path, int errno)
        : base(FormatMessage(operation, path, null, errno))
    {
        Operation = operation;
        Path = path.ToArray();
        Errno = errno;
        HResult = errno;
    }

    /// <summary>For two-path operations (rename, link): <paramref name="path"/> is the source, <paramref name="otherPath"/> the destination.</summary>
    public PosixException(string operation, ReadOnlySpan<byte> path, ReadOnlySpan<byte> otherPath, int errno)
        : base(FormatMessage(operation, path, otherPath.ToArray(), errno))
    {
        Operation = operation;
        Path = path.ToArray();
        OtherPath = otherPath.ToArray();
        Errno = errno;
        HResult = errno;
    }

    public PosixException() : this("libc call failed") { }
    public PosixException(string message) : base(message) { }
    public PosixException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>The errno value (see <see cref="Platform.Errno"/>); 0 when not from a libc call.</summary>
    public int Errno { get; }

    /// <summary>The path the operation failed on (the source for two-path operations).</summary>
    public byte[] Path { get; } = [];

    /// <summary>The destination path of a two-path operation (rename, link), otherwise null.</summary>
    public byte[]? OtherPath { get; }

    /// <summary>The libc function or operation name, e.g. "lstat".</summary>
    public string Operation { get; } = "";

    private static string FormatMessage(string operation, ReadOnlySpan<byte> path, byte[]? otherPath, int errno)
    {
        string error = Marshal.GetPInvokeErrorMessage(errno);
        return otherPath is null
            ? $"{operation} {UnixPath.ToDisplay(path)}: {error}"
            : $"{operation} {UnixPath.ToDisplay(path)} -> {UnixPath.ToDisplay(otherPath)}: {error}";
    }
}
