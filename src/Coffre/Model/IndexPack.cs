namespace Coffre.Model;

/// <summary>One pack of an index file with all of its blobs.</summary>
public sealed record IndexPack(BlobId PackId, IReadOnlyList<IndexBlob> Blobs);
