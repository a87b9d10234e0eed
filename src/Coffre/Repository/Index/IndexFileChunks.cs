using Coffre.Model;

namespace Coffre.Repository.Index;

/// <summary>How a rewritten index is cut into index files: about <see cref="BlobsPerFile"/> blobs each, as restic does.</summary>
internal static class IndexFileChunks
{
    public const int BlobsPerFile = 50_000;

    public static IEnumerable<List<IndexPack>> Split(IEnumerable<IndexPack> packs)
    {
        var chunk = new List<IndexPack>();
        var blobs = 0;
        foreach (var p in packs)
        {
            chunk.Add(p);
            blobs += p.Blobs.Count;
            if (blobs < BlobsPerFile) continue;
            yield return chunk;
            chunk = [];
            blobs = 0;
        }
        if (chunk.Count > 0) yield return chunk;
    }
}
