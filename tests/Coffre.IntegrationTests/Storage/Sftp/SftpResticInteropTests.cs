using System.Text;
using Coffre.Archiver;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.Platform;
using Coffre.Restore;
using Coffre.Storage.Sftp;

namespace Coffre.IntegrationTests.Storage.Sftp;

/// <summary>
/// The yardstick is restic 0.14 on the same SFTP server: it checks (--read-data) and restores what Coffre wrote over
/// SFTP, and Coffre opens, restores and adds to what restic wrote there.
/// </summary>
public sealed class SftpResticInteropTests : IDisposable
{
    private static readonly byte[] Password = Encoding.UTF8.GetBytes(TestPasswords.Default);
    private readonly TestDirectory _dir = new("sftp-interop");
    private readonly string _path = SftpTestServer.NewRepositoryPath();

    public void Dispose()
    {
        SftpTestServer.Remove(_path);
        _dir.Dispose();
    }

    private ResticRunner Restic()
    {
        var r = new ResticRunner($"sftp:{SftpTestServer.User}@{SftpTestServer.Host}:{_path}");
        return r;
    }

    private string[] ResticSftp(params string[] args) => ["-o", $"sftp.command={SftpTestServer.ResticSftpCommand()}", .. args];

    private SftpBackend Open() => SftpBackend.Open(SftpTestServer.Location(_path), SftpTestServer.Environment(), SftpBackend.DefaultTimeout);

    [SftpFact]
    public async Task Restic_checks_and_restores_what_Coffre_wrote_over_sftp()
    {
        var source = _dir.Sub("src");
        TreeGenerator.CreateRandomFiles(UnixPath.FromString(source), 11, 0, 1, 4096, 3 * 1024 * 1024 + 5, 9 * 1024 * 1024);
        using (var backend = Open())
        {
            var repo = await Repository.Repository.InitAsync(backend, Password, TimeProvider.System, default);
            await using var c = await SnapshotComposer.StartAsync(repo, TimeProvider.System, new ComposeOptions { Tags = ["coffre"] }, new BackupProgress(), default);
            await c.AddFolderAsync("files", source, [], default);
            Assert.True((await c.CommitAsync([source], default)).Complete);
        }
        Assert.Empty(Directory.GetFiles(_path, "*-tmp-*", SearchOption.AllDirectories));

        var restic = Restic();
        var check = restic.Run(ResticSftp("check", "--read-data"));
        Assert.True(check.ExitCode == 0 && check.StdOut.Contains("no errors were found", StringComparison.Ordinal), $"restic check --read-data over sftp\n{check.Describe()}");
        restic.Ok(ResticSftp("restore", "latest", "--target", _dir.Sub("out")));
        TreeComparer.AssertEqual(UnixPath.FromString(source), UnixPath.FromString(_dir.Sub("out/files")), new CompareOptions { RootMetadata = false, Owners = false });
    }

    [SftpFact]
    public async Task Coffre_restores_and_adds_to_what_restic_wrote_over_sftp()
    {
        var source = _dir.Sub("src");
        TreeGenerator.CreateRandomFiles(UnixPath.FromString(source), 12, 10, 70_000, 2 * 1024 * 1024 + 3);
        var restic = Restic();
        restic.Ok(ResticSftp("init"));
        restic.Ok(ResticSftp("backup", source));

        using (var backend = Open())
        {
            var repo = await Repository.Repository.OpenAsync(backend, Password, default);
            await repo.LoadIndexAsync(default);
            var snapshots = await repo.LoadSnapshotsAsync(default);
            var snapshot = Assert.Single(snapshots);
            var result = await new Restorer(repo).RestoreAsync(snapshot.Snapshot, new RestoreOptions { Target = _dir.Sub("out") }, new RestoreProgress(), default);
            Assert.Empty(result.Warnings);
            TreeComparer.AssertEqual(UnixPath.FromString(source), UnixPath.FromString(_dir.Sub("out") + source), new CompareOptions { RootMetadata = false });

            // Coffre writes into restic's repository over SFTP; restic still accepts it whole.
            await using var c = await SnapshotComposer.StartAsync(repo, TimeProvider.System, new ComposeOptions { Tags = ["coffre"] }, new BackupProgress(), default);
            await c.AddBytesAsync("note.txt", "written by coffre over sftp"u8.ToArray(), default);
            Assert.True((await c.CommitAsync(["/note.txt"], default)).Complete);
        }
        var check = restic.Run(ResticSftp("check", "--read-data"));
        Assert.True(check.ExitCode == 0 && check.StdOut.Contains("no errors were found", StringComparison.Ordinal), $"restic check --read-data over sftp\n{check.Describe()}");
        Assert.Equal(2, restic.Ok(ResticSftp("snapshots", "--json")).StdOut.Split("\"id\"").Length - 1);
        restic.Ok(ResticSftp("restore", "latest", "--tag", "coffre", "--target", _dir.Sub("out2")));
        Assert.Equal("written by coffre over sftp", await File.ReadAllTextAsync(_dir.Sub("out2/note.txt")));
    }
}
