using System.Globalization;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.IntegrationTests.Jobs.Restore;
using static Coffre.IntegrationTests.Journal.JournalFiles;

namespace Coffre.IntegrationTests.Journal;

/// <summary>Where the journal goes (logging.path or beside the repository), how it rolls, and that it never decides a run's outcome.</summary>
public class JournalPlacementTests
{
    [Fact]
    public void An_application_run_is_journaled_with_its_application_where_logging_path_says()
    {
        using var dir = new TestDirectory("journal-app");
        var app = new SqliteApp(dir);
        var config = Path.Combine(app.Root, "coffre.json");
        File.WriteAllText(config, File.ReadAllText(config).Replace("\"repository\":", "\"logging\": { \"path\": \"../journal\" },\n  \"repository\":", StringComparison.Ordinal));

        app.Coffre.Ok("init");
        var backup = app.Coffre.Json("backup");
        app.Coffre.Ok("restore", "latest", "--target", dir.Sub("elsewhere"));
        var log = app.Coffre.Json("log");

        Assert.False(Directory.Exists(Path.Combine(app.Root, "logs")));
        var journal = new JournalFiles(dir.Sub("journal"));
        Assert.Equal(["init ok", "backup ok", "restore ok"], journal.Summary);
        Assert.Contains(" app=shop ", journal.LogLines[1], StringComparison.Ordinal);
        var records = journal.Records;
        var id = backup.GetProperty("snapshot_id").GetString();
        Assert.Equal(("shop", app.Repo, id), (Str(records[1], "application"), Str(records[1], "repository"), Str(records[1], "snapshot_id")));
        Assert.Equal(backup.GetProperty("data_added").GetInt64(), Long(records[1], "bytes_added"));
        Assert.Equal(("shop", id), (Str(records[2], "application"), Str(records[2], "snapshot_id")));
        Assert.Equal(3, log.GetArrayLength()); // coffre log finds the same folder through coffre.json
    }

    [Fact]
    public void A_failed_application_backup_is_journaled_beside_its_repository()
    {
        using var dir = new TestDirectory("journal-app-failed");
        var app = new SqliteApp(dir);
        app.Coffre.Ok("init");
        File.Delete(app.Database);

        var r = app.Coffre.Run("backup");

        Assert.Equal(1, r.ExitCode);
        var record = new JournalFiles(Path.Combine(app.Root, "logs")).Records.Last();
        Assert.Equal(("backup", "failed", "shop", app.Repo), (Str(record, "operation"), Str(record, "result"), Str(record, "application"), Str(record, "repository")));
        Assert.Equal(r.StdErrLines.Last(), "coffre: " + Str(record, "error"));
        Assert.Null(Str(record, "snapshot_id"));
    }

    [Fact]
    public void The_next_run_moves_an_earlier_days_log_to_its_dated_name_and_removes_day_files_past_30_days()
    {
        using var dir = new TestDirectory("journal-day");
        var repo = dir.Sub("repo");
        var coffre = new CoffreRunner(repo);
        coffre.Init();
        var logs = new JournalFiles(dir.Sub("logs"));
        var earlier = DateTimeOffset.Now.AddDays(-3);
        var earlierLine = earlier.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture) + " backup ok app=shop duration=1.000s exit=0";
        File.WriteAllText(logs.LogPath, earlierLine + "\n");
        var old = Path.Combine(logs.Folder, DateTimeOffset.Now.AddDays(-31).ToString("'backup-'yyyyMMdd'.log'", CultureInfo.InvariantCulture));
        var kept = Path.Combine(logs.Folder, DateTimeOffset.Now.AddDays(-29).ToString("'backup-'yyyyMMdd'.log'", CultureInfo.InvariantCulture));
        File.WriteAllText(old, "a month ago\n");
        File.WriteAllText(kept, "four weeks ago\n");

        coffre.Ok("check");

        Assert.Equal([earlierLine], File.ReadAllLines(Path.Combine(logs.Folder, earlier.ToString("'backup-'yyyyMMdd'.log'", CultureInfo.InvariantCulture))));
        Assert.Equal(["check ok"], logs.Summary);
        Assert.Equal(["init", "check"], logs.Records.Select(r => Str(r, "operation")));
        Assert.False(File.Exists(old));
        Assert.True(File.Exists(kept));
    }

    [Fact]
    public void A_log_at_its_size_cap_rolls_to_a_numbered_part()
    {
        using var dir = new TestDirectory("journal-size");
        var repo = dir.Sub("repo");
        var coffre = new CoffreRunner(repo);
        coffre.Init();
        var logs = new JournalFiles(dir.Sub("logs"));
        var today = DateTimeOffset.Now.ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture) + " check ok duration=0.100s exit=0\n";
        using (var full = File.AppendText(logs.LogPath))
            while (full.BaseStream.Length < 10L << 20) full.Write(today);
        var before = new FileInfo(logs.LogPath).Length;

        coffre.Ok("check");

        Assert.Equal(before, new FileInfo(logs.LogPath + ".1").Length);
        Assert.Equal(["check ok"], logs.Summary);
    }

    [Fact]
    public void A_log_that_cannot_be_written_never_changes_how_a_run_ends()
    {
        using var dir = new TestDirectory("journal-unwritable");
        var repo = dir.Sub("repo");
        var src = dir.CreateSub("src");
        File.WriteAllText(Path.Combine(src, "a.txt"), "data\n");
        var coffre = new CoffreRunner(repo);
        coffre.Init();
        Directory.Delete(dir.Sub("logs"), recursive: true);
        File.WriteAllText(dir.Sub("logs"), "a file where the log folder would go");

        var backup = coffre.Run("backup", src, "--json");
        var wrong = new CoffreRunner(repo, "not it").Run("check");

        Assert.Equal(0, backup.ExitCode);
        var warning = Assert.Single(backup.StdErrLines);
        Assert.StartsWith("coffre: warning: this run could not be recorded in " + dir.Sub("logs"), warning, StringComparison.Ordinal);
        Assert.Single(coffre.Snapshots());
        Assert.Equal(12, wrong.ExitCode);
        Assert.Equal(2, wrong.StdErrLines.Length);
        Assert.Contains("wrong password", wrong.StdErrLines[0], StringComparison.Ordinal);
    }
}
