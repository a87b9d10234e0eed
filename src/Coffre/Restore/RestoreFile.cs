using Coffre.Model;
using Microsoft.Win32.SafeHandles;

namespace Coffre.Restore;

/// <summary>A file being restored: open while some of its blobs are still to be written.</summary>
internal sealed class RestoreFile(byte[] path, Node node, SafeFileHandle handle, int blobs)
{
    private int _remaining = blobs;
    public byte[] Path { get; } = path;
    public Node Node { get; } = node;
    public SafeFileHandle Handle { get; } = handle;

    /// <summary>True for the caller that wrote the last blob (it closes the file and applies metadata).</summary>
    public bool BlobWritten() => Interlocked.Decrement(ref _remaining) == 0;
}

/// <summary>One blob to write at one offset of one file.</summary>
internal readonly record struct BlobWrite(RestoreFile File, BlobId Blob, long Offset);
