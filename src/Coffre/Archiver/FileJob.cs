using Coffre.Model;

namespace Coffre.Archiver;

/// <summary>
/// A regular file (or a stream, such as a database dump) to read: its node (metadata already filled) is
/// completed with its content IDs.
/// </summary>
internal sealed class FileJob(byte[] path, Node node, bool isNew, Stream? stream = null)
{
    /// <summary>The file to open; for a stream, only a name for messages.</summary>
    public byte[] Path { get; } = path;
    public Node Node { get; } = node;
    public bool IsNew { get; } = isNew;
    /// <summary>Read this instead of opening <see cref="Path"/> (not disposed by the reader).</summary>
    public Stream? Stream { get; } = stream;
    /// <summary>Completed with the node, or with null when the file could not be read.</summary>
    public TaskCompletionSource<Node?> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>A new chunk on its way to compression and sealing, in a buffer of the chunk pool.</summary>
internal readonly record struct ChunkJob(BlobId Id, byte[] Buffer, int Length);
