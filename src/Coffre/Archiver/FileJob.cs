using Coffre.Model;

namespace Coffre.Archiver;

/// <summary>A regular file to read: its node (metadata already filled) is completed with its content IDs.</summary>
internal sealed class FileJob(byte[] path, Node node, bool isNew)
{
    public byte[] Path { get; } = path;
    public Node Node { get; } = node;
    public bool IsNew { get; } = isNew;
    /// <summary>Completed with the node, or with null when the file could not be read.</summary>
    public TaskCompletionSource<Node?> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>A new chunk on its way to compression and sealing. <c>Buffer</c> is pooled: the reader returns it.</summary>
internal readonly record struct ChunkJob(BlobId Id, byte[] Buffer, int Length);
