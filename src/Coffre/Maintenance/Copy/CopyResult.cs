using Coffre.Model;

namespace Coffre.Maintenance.Copy;

/// <summary>A snapshot copied: its ID in the source and the new snapshot's ID in the destination.</summary>
public sealed record CopiedSnapshot(BlobId Source, BlobId Copy);

/// <summary>A source snapshot the destination already holds (restic's "similar" snapshot: <see cref="SimilarSnapshots"/>).</summary>
public sealed record AlreadyCopiedSnapshot(BlobId Source, BlobId Existing);

/// <summary>
/// A source snapshot not copied because its data cannot be read from the source (a damaged or missing pack, tree
/// or snapshot file): nothing of it is a snapshot in the destination. <paramref name="Source"/> is the file's name.
/// </summary>
public sealed record RefusedSnapshot(string Source, string Reason);

/// <summary>What one copy run did.</summary>
public sealed class CopyResult
{
    public List<CopiedSnapshot> Copied { get; } = [];
    public List<AlreadyCopiedSnapshot> AlreadyThere { get; } = [];
    public List<RefusedSnapshot> Refused { get; } = [];

    /// <summary>Blobs that travelled (the destination lacked them).</summary>
    public long BlobsCopied { get; internal set; }

    /// <summary>Plaintext bytes of the blobs that travelled.</summary>
    public long BytesCopied { get; internal set; }

    /// <summary>Stored (compressed, sealed) bytes added to the destination.</summary>
    public long BytesStored { get; internal set; }

    /// <summary>Every snapshot asked for is in the destination now.</summary>
    public bool Complete => Refused.Count == 0;
}
