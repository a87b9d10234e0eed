using Coffre.Model;
using Coffre.Repository.Index;

namespace Coffre.Tests.Repository.Index;

/// <summary>The damage ledger: a cache of proofs that only ever makes Coffre more careful.</summary>
public sealed class DamageLedgerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("coffre-ledger-").FullName;
    private static readonly BlobId Pack = BlobId.Hash("pack"u8);
    private static readonly BlobId Blob = BlobId.Hash("blob"u8);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Proofs_survive_the_process_and_mark_the_index()
    {
        new DamageLedger(_dir).Record(Pack, Blob, "blob fails its MAC check", "restore");
        var again = new DamageLedger(_dir);
        var proof = Assert.Single(again.Proofs);
        Assert.Equal("restore", proof.FoundBy);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(again.FilePath));
        var index = new MasterIndex();
        index.Add(Pack, new IndexBlob(Blob, BlobType.Data, 0, 100, 0));
        again.ApplyTo(index);
        Assert.False(index.Has(Blob));
    }

    [Fact]
    public void Proofs_about_packs_no_index_names_are_dropped()
    {
        var ledger = new DamageLedger(_dir);
        ledger.Record(Pack, null, "pack does not exist", "check");
        ledger.ApplyTo(new MasterIndex()); // the pack was repaired away
        Assert.Empty(new DamageLedger(_dir).Proofs);
    }

    [Fact]
    public void A_proof_is_recorded_once_and_a_whole_pack_covers_its_blobs()
    {
        var ledger = new DamageLedger(_dir);
        ledger.Record(Pack, null, "missing", "check");
        ledger.Record(Pack, Blob, "MAC", "restore");
        ledger.Record(Pack, null, "missing", "drill");
        Assert.Single(ledger.Proofs);
    }

    [Fact]
    public void A_torn_or_foreign_file_is_ignored()
    {
        File.WriteAllText(Path.Combine(_dir, DamageLedger.FileName), "{\"proofs\":[{\"pack\":");
        Assert.Empty(new DamageLedger(_dir).Proofs);
    }

    [Fact]
    public void The_folder_name_comes_only_from_a_well_formed_repository_id()
    {
        Assert.EndsWith("/invalid-id", DamageLedger.ForRepository("../../etc").Folder, StringComparison.Ordinal);
        Assert.EndsWith("/" + new string('a', 64), DamageLedger.ForRepository(new string('A', 64)).Folder, StringComparison.Ordinal);
    }

    /// <summary>Regression: restic's test repositories share one ID; damage proven in one copy refused a blob of a sound copy.</summary>
    [Fact]
    public void Two_locations_of_one_repository_keep_separate_ledgers()
    {
        var id = new string('b', 64);
        var a = DamageLedger.ForRepository(id, "/srv/backups").Folder;
        var b = DamageLedger.ForRepository(id, "/mnt/copy").Folder;
        Assert.NotEqual(a, b);
        Assert.Equal(a, DamageLedger.ForRepository(id, "/srv/backups").Folder);
        Assert.StartsWith(id, Path.GetFileName(a), StringComparison.Ordinal);
    }
}
