using System.Text;
using Coffre.Maintenance.Prune;
using Coffre.Model;
using Coffre.Repository.Pack;

namespace Coffre.Tests.Maintenance;

/// <summary>Builds the inputs of <see cref="PrunePlanner"/> from names: blobs and packs named by letters, sizes in KiB.</summary>
internal sealed class PruneFixture
{
    private const int KiB = 1024;

    public List<IndexFile> IndexFiles { get; } = [];
    public Dictionary<BlobId, long> Stored { get; } = [];
    public HashSet<BlobHandle> Used { get; } = [];

    public static BlobId Id(string name) => BlobId.Hash(Encoding.UTF8.GetBytes(name));

    /// <summary>A pack of blobs ("a:100" = data blob a of 100 KiB; "t:x:4" = tree blob x), stored with its true size.</summary>
    public IndexPack Pack(string name, params string[] blobs)
    {
        var list = new List<IndexBlob>();
        uint offset = 0;
        foreach (var spec in blobs)
        {
            var parts = spec.Split(':');
            var tree = parts[0] == "t";
            var blobName = tree ? parts[1] : parts[0];
            var length = uint.Parse(parts[^1], System.Globalization.CultureInfo.InvariantCulture) * KiB;
            list.Add(new IndexBlob(Id(blobName), tree ? BlobType.Tree : BlobType.Data, offset, length, length * 2));
            offset += length;
        }
        var pack = new IndexPack(Id("pack " + name), list);
        Stored[pack.PackId] = PackHeader.PackSize(list);
        return pack;
    }

    public IndexFile Index(string name, params IndexPack[] packs)
    {
        var file = new IndexFile(Id("index " + name).ToString(), 1000, packs);
        IndexFiles.Add(file);
        return file;
    }

    public void Use(params string[] dataBlobs)
    {
        foreach (var b in dataBlobs) Used.Add(new BlobHandle(Id(b), BlobType.Data));
    }

    public void UseTree(params string[] trees)
    {
        foreach (var t in trees) Used.Add(new BlobHandle(Id(t), BlobType.Tree));
    }

    public PrunePlan Plan(PruneOptions? options = null) => PrunePlanner.Plan(IndexFiles, Stored, Used, options ?? new PruneOptions());
}
