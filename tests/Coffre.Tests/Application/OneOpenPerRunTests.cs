using Coffre.Archiver;
using Coffre.Configuration;
using Coffre.Jobs;
using Coffre.Application.Restore;
using Coffre.Storage;
using Coffre.Storage.Local;
using Coffre.Tests.Repository;
using Repo = Coffre.Repository.Repository;

namespace Coffre.Tests.Application;

/// <summary>
/// A run opens the repository once: one key derivation (the config is read once per open, right after the key
/// file unlocks) and one lock, however many use cases it hands the session to. A restore's safety snapshot is
/// saved in the restore's own session; a backup's rotation reuses the backup's open repository.
/// </summary>
public sealed class OneOpenPerRunTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("coffre-one-open-").FullName;
    private readonly string _media;
    private readonly CoffreConfig _config;
    private readonly Dictionary<string, string?> _env;

    public OneOpenPerRunTests()
    {
        _media = Path.Combine(_dir, "media");
        Directory.CreateDirectory(Path.Combine(_media, "uploads"));
        File.WriteAllText(Path.Combine(_media, "uploads", "photo.jpg"), "jpeg bytes");
        File.WriteAllText(Path.Combine(_media, "notes.txt"), "notes");
        var file = Path.Combine(_dir, "coffre.json");
        File.WriteAllText(file, $$"""
            { "application": "shop",
              "repository": { "path": "{{Path.Combine(_dir, "repo")}}", "passwordEnv": "COFFRE_PASSWORD" },
              "media": [ { "path": "{{_media}}", "name": "media" } ],
              "retention": { "last": 1 } }
            """);
        _env = new Dictionary<string, string?> { ["COFFRE_PASSWORD"] = "pw", ["HOME"] = _dir };
        _config = ConfigLoader.Load(file, _env);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task InitAsync() =>
        await Repo.InitAsync(new LocalBackend(Path.Combine(_dir, "repo")), "pw"u8.ToArray(), TimeProvider.System, default);

    private (BackupManager Manager, Func<CountingBackend> Counted) Manager()
    {
        CountingBackend? counted = null;
        var manager = new BackupManager(_config, TimeProvider.System, _env)
        {
            CheckFreeSpace = false,
            DecorateBackend = b => counted = new CountingBackend(b),
        };
        return (manager, () => counted ?? throw new InvalidOperationException("the manager opened no backend"));
    }

    [Fact]
    public async Task A_restore_with_its_safety_snapshot_derives_the_key_once_and_takes_one_lock()
    {
        await InitAsync();
        var (first, _) = Manager();
        var backup = await first.CreateBackupAsync(null, new BackupProgress(), default);
        File.WriteAllText(Path.Combine(_media, "uploads", "photo.jpg"), "overwritten by mistake");

        var (manager, counted) = Manager();
        var request = new RestoreRequest { Snapshot = "latest", Parts = RestoreParts.Media };
        var (repo, plan) = await manager.PlanRestoreAsync(request, default);
        var result = await manager.RestoreBackupAsync(repo, plan, request, null, default);

        Assert.NotNull(result.SafetySnapshot);
        Assert.Equal("jpeg bytes", File.ReadAllText(Path.Combine(_media, "uploads", "photo.jpg")));
        var backend = counted();
        Assert.Equal(1, backend.Count("load", FileType.Config)); // one open: one key derivation
        Assert.Equal(1, backend.Count("save", FileType.Lock));   // one lock, for the restore and its safety snapshot
        Assert.Equal(1, backend.Count("save", FileType.Snapshot)); // the safety snapshot, saved in that session
        var safety = await repo.LoadSnapshotAsync(result.SafetySnapshot!.Value.ToString(), default);
        Assert.Contains(Coffre.Application.ApplicationLayout.PreRestoreTag, safety.Snapshot.Tags!);
        Assert.NotEqual(backup.Backup.SnapshotId, result.SafetySnapshot);
    }

    [Fact]
    public async Task A_backup_and_its_rotation_derive_the_key_once()
    {
        await InitAsync();
        var (manager, counted) = Manager();

        var backup = await manager.CreateBackupAsync(null, new BackupProgress(), default);
        var rotation = await manager.RotateAfterBackupAsync(null, backup, default);

        Assert.Null(rotation.Warning);
        Assert.NotNull(rotation.Result);
        Assert.Equal(1, counted().Count("load", FileType.Config));
        Assert.Equal(2, counted().Count("save", FileType.Lock)); // the backup's shared lock, the rotation's exclusive one
    }

    [Fact]
    public async Task A_backup_run_reads_each_snapshot_file_once()
    {
        await InitAsync();
        var (earlier, _) = Manager();
        for (var i = 0; i < 3; i++)
        {
            File.WriteAllText(Path.Combine(_media, $"day{i}.txt"), $"day {i}");
            await earlier.CreateBackupAsync(null, new BackupProgress(), default);
        }
        var (manager, counted) = Manager();

        // The space check, the parent and the rotation each look at the snapshots.
        var mine = await manager.CreateBackupAsync(null, new BackupProgress(), default);
        await manager.RotateAfterBackupAsync(null, mine, default);

        Assert.Equal(1, counted().MostLoadsOfOne(FileType.Snapshot));
        Assert.Equal(4, counted().Count("load", FileType.Snapshot)); // the 3 earlier ones and the new one, once each
    }

    [Fact]
    public async Task The_media_are_counted_in_the_survey_as_the_backup_finds_them()
    {
        await InitAsync();
        File.WriteAllText(Path.Combine(_media, "big.bin"), new string('x', 10_000));
        var (manager, _) = Manager();

        var result = await manager.CreateBackupAsync(null, new BackupProgress(), default);

        var media = Assert.Single(result.Metadata.Media);
        Assert.Equal(3, media.Files);
        Assert.Equal(10_000 + "jpeg bytes".Length + "notes".Length, media.Bytes);
    }
}
