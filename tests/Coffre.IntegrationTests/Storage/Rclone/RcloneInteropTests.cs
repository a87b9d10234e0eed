using Coffre.IntegrationTests.Infrastructure;

namespace Coffre.IntegrationTests.Storage.Rclone;

/// <summary>Coffre and restic 0.14, each through its own rclone child, share a repository on a local rclone remote.</summary>
public sealed class RcloneInteropTests : IDisposable
{
    private readonly TestDirectory _dir = new("rclone-interop");
    private readonly RcloneRemote _remote = new();

    public void Dispose()
    {
        _remote.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task Restic_reads_checks_and_restores_what_Coffre_wrote_through_rclone()
    {
        var source = SampleFiles.Create(_dir.CreateSub("src"), seed: 41);
        string id;
        using (var backend = _remote.Open())
        {
            await EngineOverBackend.InitAsync(backend);
            id = await EngineOverBackend.BackupAsync(backend, source);
            await EngineOverBackend.AssertCheckReadDataAsync(backend);
        }
        var restic = _remote.Restic();
        Assert.Equal(id, Assert.Single(restic.Snapshots()).GetProperty("id").GetString());
        restic.AssertCheckReadData();
        var target = _dir.Sub("restored-by-restic");
        restic.Ok("restore", id, "--target", target);
        SampleFiles.AssertRestored(source, target);
    }

    [Fact]
    public async Task Coffre_reads_and_restores_what_restic_wrote_through_rclone()
    {
        var source = SampleFiles.Create(_dir.CreateSub("src"), seed: 42);
        var restic = _remote.Restic();
        restic.Ok("init");
        var id = restic.Backup(source).GetProperty("snapshot_id").GetString()!;
        using var backend = _remote.Open();
        await EngineOverBackend.AssertCheckReadDataAsync(backend);
        var target = _dir.Sub("restored-by-coffre");
        await EngineOverBackend.RestoreAsync(backend, id, target);
        SampleFiles.AssertRestored(source, target);
    }
}
