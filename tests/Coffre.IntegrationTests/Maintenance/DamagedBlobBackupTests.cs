using Coffre.IntegrationTests.Infrastructure;

namespace Coffre.IntegrationTests.Maintenance;

/// <summary>
/// Data proven damaged (by check --read-data, or by a restore that failed on it) is stored again by the next backup
/// instead of being deduplicated against the bad copy; Coffre's readers then use the sound copy, so even the older
/// snapshots restore again; after 'repair packs' restic 0.14 (whose restorer may pick either copy) restores them too.
/// </summary>
public class DamagedBlobBackupTests
{
    [Fact]
    public void After_check_read_data_the_next_backup_stores_the_damaged_data_again()
    {
        using var dir = new TestDirectory("damage-backup");
        var s = DamageScenario.Create(dir);
        var b = s.Backups[1];
        s.FlipByte(b.DataPack, 1000);

        // Not proven yet: the backup trusts the index (as restic does), nothing is stored.
        Assert.Equal(0, s.Coffre.Backup(b.Source.RootText, "--force").DataBlobs);
        Assert.Equal(1, s.Coffre.Run("check", "--read-data").ExitCode);

        var again = s.Coffre.Backup(b.Source.RootText);   // with the parent: an unchanged file is not reused either
        Assert.Equal(1, again.DataBlobs);
        s.AssertRestores(again.SnapshotId, b.Source);
        s.AssertRestores(b.Snapshot, b.Source);           // the old snapshot reads the sound copy now
        // The damaged pack is still there (check says so), but no snapshot is damaged any more.
        var json = s.CheckJson("--read-data");
        Assert.Equal(0, json.GetProperty("damaged_snapshots").GetArrayLength());
        Assert.Single(json.GetProperty("damaged_packs").EnumerateArray());

        // Prune never keeps the damaged copy over the sound one: while the damaged pack still holds the only copy of
        // needed blobs it stops; after 'repair packs' it runs and everything still restores.
        var prune = s.Coffre.Run("prune");
        Errors.AssertOneLine(prune, 1, b.DataPack[..8]);
        s.Coffre.Ok("repair", "packs", b.DataPack);
        s.Coffre.Ok("prune");
        s.AssertRestores(b.Snapshot, b.Source);
        s.Restic.Ok("check", "--read-data");
        // restic 0.14's restorer may pick either copy of a blob: only once the damaged pack is gone is it sure to succeed.
        s.Restic.Ok("restore", b.Snapshot, "--target", dir.Sub("restic-out"));
    }

    [Fact]
    public void A_failed_restore_is_proof_enough()
    {
        using var dir = new TestDirectory("damage-restore");
        var s = DamageScenario.Create(dir);
        var b = s.Backups[1];
        s.FlipByte(b.DataPack, 1000);

        Assert.Equal(3, s.Coffre.Run("restore", b.Snapshot, "--target", dir.Sub("failed")).ExitCode); // restored around the damage, the file named
        Assert.True(Directory.EnumerateFiles(s.Cache, "damage.json", SearchOption.AllDirectories).Any(), "the restore recorded its proof");

        Assert.Equal(1, s.Coffre.Backup(b.Source.RootText).DataBlobs);
        s.AssertRestores(b.Snapshot, b.Source);
        // A repair of the pack clears the proof: nothing is left to store again.
        s.Coffre.Ok("repair", "packs", b.DataPack);
        s.Coffre.Ok("check", "--read-data");
        s.Restic.Ok("check", "--read-data");
        Assert.Equal(0, s.Coffre.Backup(b.Source.RootText, "--force").DataBlobs);
    }
}
