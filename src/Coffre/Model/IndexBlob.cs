namespace Coffre.Model;

/// <summary>One blob entry of an index: where a blob lives inside its pack.</summary>
/// <param name="Length">Sealed (stored) length, as in the pack header.</param>
/// <param name="UncompressedLength">Plaintext length of a compressed blob; 0 when not compressed.</param>
public readonly record struct IndexBlob(BlobId Id, BlobType Type, uint Offset, uint Length, uint UncompressedLength)
{
    public bool IsCompressed => UncompressedLength != 0;
}
