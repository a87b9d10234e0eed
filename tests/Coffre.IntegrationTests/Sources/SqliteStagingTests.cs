using System.Diagnostics;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.IntegrationTests.Jobs.Restore;

namespace Coffre.IntegrationTests.Sources;

/// <summary>
/// A SQLite dump is staged as a plaintext copy of the database: never inside the repository, and what a crashed run
/// left (in the repository by older versions, in a private staging folder now) is removed by the next backup.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class SqliteStagingTests
{
    private static int DeadPid()
    {
        using var p = Process.Start("/bin/true")!;
        p.WaitForExit();
        return p.Id;
    }

    [Fact]
    public void What_a_crashed_run_staged_is_removed_by_the_next_backup()
    {
        using var dir = new TestDirectory("sqlite-staging");
        var app = new SqliteApp(dir);
        var tmp = dir.CreateSub("tmp");
        app.Coffre.Environment["TMPDIR"] = tmp;
        app.Coffre.Ok("init");

        // An older version's copy in the repository, and a staging folder of a process that died mid-copy.
        var legacy = Path.Combine(app.Repo, "data", ".coffre-sqlite-0123456789abcdef0123456789abcdef.sqlite");
        File.Copy(app.Database, legacy);
        var crashed = Path.Combine(tmp, $"coffre-dump-{DeadPid()}.12345-AbCdEf");
        Directory.CreateDirectory(crashed);
        File.Copy(app.Database, Path.Combine(crashed, "dump.sqlite"));
        var unrelated = Path.Combine(tmp, "coffre-sqlite-not-ours");
        Directory.CreateDirectory(unrelated);

        app.Coffre.Ok("backup");
        Assert.False(File.Exists(legacy), "the plaintext copy in the repository was kept");
        Assert.False(Directory.Exists(crashed), "the crashed run's staging folder was kept");
        Assert.True(Directory.Exists(unrelated));
        // Nothing of the backup's own staging is left either, in the repository or in TMPDIR.
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(app.Repo, "data"), ".coffre-*"));
        Assert.Equal([unrelated], Directory.GetFileSystemEntries(tmp));
    }

    [Fact]
    public void A_dump_is_never_staged_in_the_repository()
    {
        using var dir = new TestDirectory("sqlite-staging");
        var app = new SqliteApp(dir);
        app.Coffre.Ok("init");
        // TMPDIR is where the copy goes: a TMPDIR that cannot be written stops the backup, which proves the repository
        // (writable) is not used.
        var missing = dir.Sub("no-such-tmp");
        app.Coffre.Environment["TMPDIR"] = missing;
        var r = app.Coffre.Run("backup");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains($"cannot make a private staging folder in {missing}", r.StdErr, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(app.Repo, "data"), ".coffre-*"));
    }
}
