using System.Text.Json;
using Coffre.IntegrationTests.Infrastructure;

namespace Coffre.IntegrationTests.Recovery;

/// <summary>
/// Bare-machine recovery of the bundled sample application (samples/app: SQLite + media), as docs/recovery.md tells
/// it: the machine is gone with its coffre.json, state folder and password; the repository and the recovery code are
/// all that is left; `coffre config restore` then `coffre restore latest --force` bring back every row and every file.
/// </summary>
public class SampleApplicationRecoveryTests
{
    [Fact]
    public void The_sample_application_comes_back_from_the_repository_and_the_recovery_code_alone()
    {
        using var dir = new TestDirectory("recovery-sample");
        var machine = dir.Sub("machine");
        var app = Path.Combine(machine, "srv", "app");
        RecoveryFiles.CopyTree(Path.Combine(RecoveryFiles.RepoRoot(), "samples", "app"), app);
        var config = Path.Combine(app, "coffre.json");
        // A webhook whose URL is its credential: it must not travel into the backups.
        File.WriteAllText(config, File.ReadAllText(config).Replace("\"retention\"",
            "\"alerts\": { \"webhook\": { \"url\": \"https://hooks.example.com/services/T000/SECRET-TOKEN-42\" } },\n  \"hooks\": { \"postRestore\": \"true restarted\" },\n  \"retention\"", StringComparison.Ordinal));

        var before = new CoffreRunner(null) { WorkingDirectory = app };
        before.Environment["XDG_CACHE_HOME"] = dir.Sub("machine/cache");
        var code = before.Json("init").GetProperty("recovery_key").GetString()!;
        before.Ok("backup");
        // The second backup is the one to come back: a new file and a new table.
        File.WriteAllText(Path.Combine(app, "media", "uploads", "after-the-first-backup.txt"), "only in the latest backup");
        ProcessRunner.Run("/usr/bin/python3", ["-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('create table notes(x text)'); "
            + "c.executemany('insert into notes values (?)', [('note %d' % i,) for i in range(37)]); c.commit()", Path.Combine(app, "data", "app.sqlite3")], new Dictionary<string, string?>());
        before.Ok("backup");
        var rows = RecoveryFiles.SqliteCounts(Path.Combine(app, "data", "app.sqlite3"));
        Assert.Contains("notes 37", rows, StringComparison.Ordinal);
        var files = RecoveryFiles.Hashes(Path.Combine(app, "media"), "cache");
        Assert.True(files.Count >= 8, $"the sample's media: {files.Count} files");

        // The configuration is an ordinary file of the snapshot: restic checks and restores it; it holds no secret.
        var repository = Path.Combine(machine, "backups");
        var restic = new ResticRunner(repository);
        restic.AssertCheckReadData();
        restic.Ok("restore", "latest", "--target", dir.Sub("restic-out"));
        var stored = File.ReadAllText(dir.Sub("restic-out/config/coffre.json"));
        Assert.Contains("\"sample-shop\"", stored, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET-TOKEN-42", stored, StringComparison.Ordinal);
        using (var metadata = JsonDocument.Parse(File.ReadAllText(dir.Sub("restic-out/metadata.json"))))
        {
            var recorded = metadata.RootElement.GetProperty("configuration");
            Assert.Equal("config/coffre.json", recorded.GetProperty("file").GetString());
            Assert.Equal(new FileInfo(dir.Sub("restic-out/config/coffre.json")).Length, recorded.GetProperty("size").GetInt64());
            Assert.Equal(["alerts.webhook.url"], recorded.GetProperty("left_out").EnumerateArray().Select(e => e.GetString()));
        }
        // A backup made without the configuration (here by restic): a clear message, nothing written.
        Directory.CreateDirectory(dir.Sub("old-app"));
        File.WriteAllText(dir.Sub("old-app/file"), "x");
        restic.Ok("backup", "--tag", "coffre", "--tag", "app:older", dir.Sub("old-app"));

        // The machine is gone: coffre.json, the state folder (logs beside the repository), the cache, the data.
        var vault = dir.Sub("vault/backups");
        Directory.CreateDirectory(dir.Sub("vault"));
        Directory.Move(repository, vault);
        Directory.Delete(machine, recursive: true);

        // A new machine with the recovery code alone.
        var fresh = dir.CreateSub("new");
        var after = new CoffreRunner(null, password: code) { WorkingDirectory = fresh };
        after.Environment["XDG_CACHE_HOME"] = dir.Sub("new-cache");
        var older = after.Run("config", "restore", "--app", "older", "-r", vault, "-o", "coffre.json");
        Assert.Equal(1, older.ExitCode);
        Assert.Contains("holds no configuration", older.StdErr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(fresh, "coffre.json")));

        var written = after.Ok("config", "restore", "--app", "sample-shop", "-r", vault, "-o", "coffre.json");
        Assert.Contains("alerts.webhook.url", written.StdOut, StringComparison.Ordinal);
        Assert.Contains("next: coffre restore latest -c", written.StdOut, StringComparison.Ordinal);
        // coffre.json is code and the backup may be forged: every command it runs is named before it is used.
        Assert.Contains("it runs these commands", written.StdOut, StringComparison.Ordinal);
        Assert.Contains("hooks.postRestore: \"true restarted\"", written.StdOut, StringComparison.Ordinal);
        var refused = after.Run("config", "restore", "--app", "sample-shop", "-r", vault, "-o", "coffre.json");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("--force", refused.StdErr, StringComparison.Ordinal);

        var restored = after.Ok("restore", "latest", "-c", "coffre.json", "--force");
        Assert.Contains("row counts match the backup", restored.StdOut, StringComparison.Ordinal);
        Assert.Equal(rows, RecoveryFiles.SqliteCounts(Path.Combine(app, "data", "app.sqlite3")));
        Assert.Equal(files, RecoveryFiles.Hashes(Path.Combine(app, "media")));

        // The new machine backs up again into the same repository, with its written configuration.
        after.Ok("backup", "-c", "coffre.json");
        new ResticRunner(vault).AssertCheckReadData();
    }
}
