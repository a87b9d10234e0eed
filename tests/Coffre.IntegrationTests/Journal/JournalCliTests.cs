using System.Text.Json;
using Coffre.IntegrationTests.Infrastructure;
using static Coffre.IntegrationTests.Journal.JournalFiles;

namespace Coffre.IntegrationTests.Journal;

/// <summary>
/// Every operation leaves a line in logs/backup.log and a record in logs/history.jsonl beside the repository
/// (docs/logging.md), whatever its result; read-only listings do not, unless they meet a wrong password.
/// </summary>
public class JournalCliTests
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    public void Backup_restore_check_a_wrong_password_and_a_failed_backup_are_each_journaled()
    {
        using var dir = new TestDirectory("journal");
        var repo = dir.Sub("repo");
        var src = dir.CreateSub("src");
        File.WriteAllText(Path.Combine(src, "a.txt"), "first file\n");
        File.WriteAllBytes(Path.Combine(src, "b.bin"), new byte[200_000]);
        File.WriteAllText(Path.Combine(src, "c.txt"), "third\n");
        var coffre = new CoffreRunner(repo);

        coffre.Init();
        var backup = coffre.Backup(src);
        var missing = coffre.Run("backup", dir.Sub("no-such-folder"));
        var wrong = new CoffreRunner(repo, "not the password").Run("check");
        coffre.Restore("latest", dir.Sub("restored"));
        coffre.Ok("check");
        coffre.Ok("snapshots");
        coffre.Ok("ls", "latest");

        Assert.Equal(1, missing.ExitCode);
        Assert.Equal(12, wrong.ExitCode);
        var logs = new JournalFiles(dir.Sub("logs"));
        Assert.Equal(["init ok", "backup ok", "backup failed", "check wrong-password", "restore ok", "check ok"], logs.Summary);
        Assert.All(logs.LogLines, l => Assert.Matches(LineStart(), l));
        Assert.All(logs.LogLines, l => Assert.Contains($" repo={repo}", l));
        Assert.Contains($"snapshot={backup.SnapshotId[..8]} ", logs.LogLines[1]);
        Assert.Contains(" files=3 ", logs.LogLines[1]);
        Assert.Contains(" exit=1 ", logs.LogLines[2]);
        Assert.Matches(@" error=""[^""]*no-such-folder[^""]*""$", logs.LogLines[2]);
        Assert.Contains(" exit=12 ", logs.LogLines[3]);
        Assert.Contains($"snapshot={backup.SnapshotId[..8]} ", logs.LogLines[4]);

        var records = logs.Records;
        Assert.Equal(["init", "backup", "backup", "check", "restore", "check"], records.Select(r => Str(r, "operation")));
        foreach (var r in records)
        {
            var start = DateTimeOffset.Parse(Str(r, "start")!, System.Globalization.CultureInfo.InvariantCulture);
            var end = DateTimeOffset.Parse(Str(r, "end")!, System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(end - start, TimeSpan.Zero, TimeSpan.FromMinutes(5));
            Assert.Equal((end - start).TotalSeconds, r.GetProperty("duration_seconds").GetDouble(), 2);
            Assert.Equal(repo, Str(r, "repository"));
            Assert.Null(Str(r, "application"));
        }
        var ok = records[1];
        Assert.Equal(("ok", 0L, null), (Str(ok, "result"), Long(ok, "exit_code"), Str(ok, "error")));
        Assert.Equal(backup.SnapshotId, Str(ok, "snapshot_id"));
        Assert.Equal(backup.DataAdded, Long(ok, "bytes_added"));
        Assert.Equal(200_000 + 11 + 6, Long(ok, "bytes_processed"));
        Assert.Equal(3, Long(ok, "files"));
        var failed = records[2];
        Assert.Equal(("failed", 1L), (Str(failed, "result"), Long(failed, "exit_code")));
        Assert.Equal(missing.StdErrLines.Single(), "coffre: " + Str(failed, "error"));
        Assert.Null(Str(failed, "snapshot_id"));
        var password = records[3];
        Assert.Equal(("wrong-password", 12L), (Str(password, "result"), Long(password, "exit_code")));
        Assert.Contains("wrong password", Str(password, "error"), StringComparison.Ordinal);
        var restore = records[4];
        Assert.Equal((backup.SnapshotId, 3L, 200_017L), (Str(restore, "snapshot_id"), Long(restore, "files"), Long(restore, "bytes_processed")));
        Assert.Equal("ok", Str(records[5], "result"));

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(logs.Folder));
        Assert.Equal(Private, File.GetUnixFileMode(logs.LogPath));
        Assert.Equal(Private, File.GetUnixFileMode(logs.HistoryPath));
        Assert.False(Directory.Exists(Path.Combine(repo, "logs")), "the repository folder holds only the repository");
    }

    [Fact]
    public void A_listing_is_journaled_when_it_meets_a_wrong_password()
    {
        using var dir = new TestDirectory("journal-listing");
        var repo = dir.Sub("repo");
        new CoffreRunner(repo).Init();

        var r = new CoffreRunner(repo, "guessing").Run("snapshots");

        Errors.AssertOneLine(r, 12, "password");
        Assert.Equal(["init ok", "snapshots wrong-password"], new JournalFiles(dir.Sub("logs")).Summary);
    }

    [Fact]
    public void No_password_and_no_password_file_content_reaches_the_log_files()
    {
        using var dir = new TestDirectory("journal-secrets");
        const string Password = "journal-Geheimnis-Ω-4711";
        const string Wrong = "wrong-guess-Ω-0815";
        const string WrongInFile = "wrong-in-a-file-Ω-2222";
        var repo = dir.Sub("repo");
        var src = dir.CreateSub("src");
        File.WriteAllText(Path.Combine(src, "a.txt"), "data\n");
        var passwordFile = WritePrivate(dir.Sub("password"), Password + "\n");
        var wrongFile = WritePrivate(dir.Sub("wrong-password"), WrongInFile + "\n");
        var coffre = new CoffreRunner(repo, Password);
        var fromFile = new CoffreRunner(repo, null) { Environment = { ["COFFRE_PASSWORD_FILE"] = passwordFile } };
        var wrongFromFile = new CoffreRunner(repo, null) { Environment = { ["COFFRE_PASSWORD_FILE"] = wrongFile } };

        coffre.Init();
        fromFile.Backup(src);
        Assert.Equal(12, new CoffreRunner(repo, Wrong).Run("backup", src).ExitCode);
        Assert.Equal(12, wrongFromFile.Run("restore", "latest", "--target", dir.Sub("r1")).ExitCode);
        fromFile.Restore("latest", dir.Sub("r2"));
        Assert.Equal(1, fromFile.Run("backup", dir.Sub("missing")).ExitCode);
        coffre.Ok("check");
        var log = coffre.Ok("log", "--json", "--last", "0").StdOut;

        var logs = new JournalFiles(dir.Sub("logs"));
        Assert.Equal(7, logs.Records.Count);
        Assert.Equal(2, logs.Records.Count(r => Str(r, "result") == "wrong-password"));
        foreach (var secret in new[] { Password, Wrong, WrongInFile })
        {
            Assert.DoesNotContain(secret, logs.AllText(), StringComparison.Ordinal);
            Assert.DoesNotContain(secret, log, StringComparison.Ordinal);
            Assert.DoesNotContain(secret[..12], logs.AllText(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Coffre_log_shows_the_last_runs_only_the_failed_ones_or_json_without_a_password()
    {
        using var dir = new TestDirectory("journal-log");
        var repo = dir.Sub("repo");
        var src = dir.CreateSub("src");
        File.WriteAllText(Path.Combine(src, "a.txt"), "data\n");
        var coffre = new CoffreRunner(repo);
        coffre.Init();
        var backup = coffre.Backup(src);
        coffre.Run("backup", dir.Sub("missing"));
        new CoffreRunner(repo, "not it").Run("check");
        coffre.Ok("check");
        var reader = new CoffreRunner(repo, null); // reading the log needs no password

        var all = Operations(reader.Json("log"));
        var last2 = reader.Json("log", "--last", "2");
        var failed = reader.Json("log", "--failed");
        var lastFailed = reader.Json("log", "--failed", "--last", "1");
        var text = reader.Ok("log").StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var failedText = reader.Ok("log", "--failed", "-n", "5").StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(["init ok", "backup ok", "backup failed", "check wrong-password", "check ok"], all);
        Assert.Equal(["check wrong-password", "check ok"], Operations(last2));
        Assert.Equal(["backup failed", "check wrong-password"], Operations(failed));
        Assert.Equal(["check wrong-password"], Operations(lastFailed));
        var first = last2.EnumerateArray().Last();
        Assert.Equal(JsonValueKind.Number, first.GetProperty("exit_code").ValueKind);
        Assert.Equal(repo, first.GetProperty("repository").GetString());
        Assert.Equal(backup.SnapshotId, reader.Json("log").EnumerateArray().ElementAt(1).GetProperty("snapshot_id").GetString());
        Assert.Equal(6, text.Length); // a header and five runs
        Assert.Contains(backup.SnapshotId[..8], text[2], StringComparison.Ordinal);
        Assert.Contains("wrong-password", text[4], StringComparison.Ordinal);
        Assert.Equal(3, failedText.Length);
        Assert.Contains("missing", failedText[1], StringComparison.Ordinal);

        Errors.AssertOneLine(reader.Run("log", "--last", "-1"), 1, "--last");
        Errors.AssertOneLine(new CoffreRunner(null, null) { WorkingDirectory = dir.Path }.Run("log"), 10, "no log folder");
        Assert.Equal(5, new JournalFiles(dir.Sub("logs")).Records.Count); // `coffre log` records nothing itself
    }

    [Fact]
    public void An_incomplete_backup_is_journaled_as_incomplete_with_the_unreadable_path()
    {
        using var dir = new TestDirectory("journal-incomplete");
        var run = Scenarios.BackUpUnreadableSource(dir);

        Assert.Equal(3, run.Result.ExitCode);
        var record = new JournalFiles(Path.Combine(Path.GetDirectoryName(run.Repository)!, "logs")).Records.Last();
        Assert.Equal(("backup", "incomplete", 3L), (Str(record, "operation"), Str(record, "result"), Long(record, "exit_code")));
        Assert.NotNull(Str(record, "snapshot_id"));
        Assert.Contains("2 path(s) could not be read", Str(record, "error"), StringComparison.Ordinal);
    }

    [Fact]
    public void Runs_of_several_processes_at_once_each_get_one_whole_line()
    {
        using var dir = new TestDirectory("journal-concurrent");
        var repo = dir.Sub("repo");
        var coffre = new CoffreRunner(repo);
        coffre.Init();

        var running = Enumerable.Range(0, 6).Select(_ => coffre.Start("check")).ToList();
        foreach (var p in running) using (p) { var r = p.Wait(TimeSpan.FromMinutes(2)); Assert.True(r.ExitCode == 0, r.Describe()); }

        var logs = new JournalFiles(dir.Sub("logs"));
        Assert.Equal(7, logs.LogLines.Length);
        Assert.All(logs.LogLines, l => Assert.Matches(LineStart(), l));
        Assert.Equal(6, logs.Records.Count(r => Str(r, "operation") == "check" && Str(r, "result") == "ok"));
    }

    private static List<string> Operations(JsonElement array) =>
        [.. array.EnumerateArray().Select(r => $"{r.GetProperty("operation").GetString()} {r.GetProperty("result").GetString()}")];

    internal static string WritePrivate(string path, string content)
    {
        File.WriteAllText(path, content);
        File.SetUnixFileMode(path, Private);
        return path;
    }
}
