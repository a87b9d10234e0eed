using Coffre.IntegrationTests.Infrastructure;
using Coffre.Storage.Rest;

namespace Coffre.IntegrationTests.Storage.Rest;

/// <summary>
/// Coffre and restic 0.14 share one repository through a real <c>rclone serve restic</c>: each reads, checks
/// (data included) and restores what the other wrote there.
/// </summary>
public sealed class RestInteropTests : IDisposable
{
    private readonly TestDirectory _dir = new("rest-interop");
    private readonly RcloneRestServer _server = new();

    public void Dispose()
    {
        _server.Dispose();
        _dir.Dispose();
    }

    private RestBackend OpenBackend() => (RestBackend)RestBackend.Open(RestLocation.Parse(_server.Location()), new Dictionary<string, string?>());

    [Fact]
    public async Task Restic_reads_checks_and_restores_what_Coffre_wrote_through_REST()
    {
        var source = SampleFiles.Create(_dir.CreateSub("src"), seed: 11);
        string first, second;
        using (var backend = OpenBackend())
        {
            await EngineOverBackend.InitAsync(backend);
            first = await EngineOverBackend.BackupAsync(backend, source);
            File.WriteAllText(Path.Combine(source, "docs", "added.txt"), "a second backup");
            second = await EngineOverBackend.BackupAsync(backend, source);
            await EngineOverBackend.AssertCheckReadDataAsync(backend);
        }

        var restic = new ResticRunner(_server.Location());
        Assert.Equal(new[] { first, second }.Order(), restic.Snapshots().Select(s => s.GetProperty("id").GetString()).Order());
        restic.AssertCheckReadData();
        var target = _dir.Sub("restored-by-restic");
        restic.Ok("restore", second, "--target", target);
        SampleFiles.AssertRestored(source, target);
        Assert.True(Directory.EnumerateFiles(Path.Combine(_server.Root, "data"), "*", SearchOption.AllDirectories).Count() >= 2, "the backups made several packs");
    }

    [Fact]
    public async Task Coffre_reads_checks_and_restores_what_restic_wrote_through_REST()
    {
        var source = SampleFiles.Create(_dir.CreateSub("src"), seed: 12);
        var restic = new ResticRunner(_server.Location());
        restic.Ok("init");
        var id = restic.Backup(source).GetProperty("snapshot_id").GetString()!;

        using var backend = OpenBackend();
        Assert.Equal(1, await EngineOverBackend.SnapshotCountAsync(backend));
        await EngineOverBackend.AssertCheckReadDataAsync(backend);
        var target = _dir.Sub("restored-by-coffre");
        await EngineOverBackend.RestoreAsync(backend, id, target);
        SampleFiles.AssertRestored(source, target);

        // and Coffre adds to restic's repository through REST, restic still accepting it
        File.WriteAllText(Path.Combine(source, "later.txt"), "written after restic's backup");
        await EngineOverBackend.BackupAsync(backend, source);
        Assert.Equal(2, restic.Snapshots().Count);
        restic.AssertCheckReadData();
    }
}
