namespace Coffre.Model;

/// <summary>A blob as snapshots name it: its ID and its type (the same bytes as data and as a tree are two blobs).</summary>
public readonly record struct BlobHandle(BlobId Id, BlobType Type);
