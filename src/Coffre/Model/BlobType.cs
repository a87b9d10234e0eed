namespace Coffre.Model;

/// <summary>The two kinds of blob in a pack: file content chunks and tree JSON.</summary>
public enum BlobType : byte
{
    Data = 0,
    Tree = 1,
}
