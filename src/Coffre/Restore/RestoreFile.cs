using Coffre.Model;
using Microsoft.Win32.SafeHandles;

namespace Coffre.Restore;

/// <summary>
/// A file being restored: open while some of its blobs are still to be written. A blob that cannot be read
/// (damaged or missing data) marks it failed: its other blobs are skipped, and it is removed at the end.
/// </summary>
internal sealed class RestoreFile(int folder, byte[] name, byte[] path, Node node, SafeFileHandle handle, int blobs)
{
    private int _remaining = blobs;
    private string? _failure;
    /// <summary>The folder (<see cref="RestoredFolders"/> index) holding the file.</summary>
    public int Folder { get; } = folder;
    public byte[] Name { get; } = name;
    /// <summary>For messages only.</summary>
    public byte[] Path { get; } = path;
    public Node Node { get; } = node;
    public SafeFileHandle Handle { get; } = handle;
    public string? Failure => Volatile.Read(ref _failure);

    /// <summary>Records why the file cannot be restored (the first reason is kept).</summary>
    public void Fail(string reason) => Interlocked.CompareExchange(ref _failure, reason, null);

    /// <summary>True for the caller that handled the last blob (it closes the file and applies metadata or removes it).</summary>
    public bool BlobDone() => Interlocked.Decrement(ref _remaining) == 0;
}

/// <summary>One blob to write at one offset of one file.</summary>
internal readonly record struct BlobWrite(RestoreFile File, BlobId Blob, long Offset);

/// <summary>Where the first name of a hard-linked file was restored, and whether it could be.</summary>
internal sealed class LinkSource(int folder, byte[] name)
{
    public int Folder { get; } = folder;
    public byte[] Name { get; } = name;
    public RestoreFile? File { get; set; }
    public bool Missing { get; set; }
    public bool Failed => Missing || File?.Failure is not null;
}
