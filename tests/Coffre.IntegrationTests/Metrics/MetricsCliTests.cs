using System.Globalization;
using System.Text.Json;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.IntegrationTests.Jobs.Restore;

namespace Coffre.IntegrationTests.Metrics;

/// <summary>
/// `coffre metrics` after real runs: an application backed up (ok), a backup that fails (its media folder is gone),
/// one that meets a wrong password, and a drill. The output is read with a strict parser of the text format and
/// every value is checked against what the test saw: the wall clock around each run, the backup's own summary, the
/// repository's files (find), the file system's free space (df).
/// </summary>
public class MetricsCliTests
{
    [Fact]
    public void Metrics_after_an_ok_a_failed_and_a_refused_backup_and_a_drill_say_what_happened()
    {
        using var dir = new TestDirectory("metrics");
        var app = new SqliteApp(dir);
        var coffre = app.Coffre;
        coffre.Ok("init");
        var beforeOk = Now();
        var ok = coffre.Json("backup");
        var afterOk = Now();
        Directory.Move(app.Media, app.Media + ".moved");
        var beforeFailed = Now();
        var failed = coffre.Run("backup");
        var afterFailed = Now();
        Directory.Move(app.Media + ".moved", app.Media);
        Errors.AssertOneLine(failed, 1, "media");
        var refused = new CoffreRunner(null, "not the password") { WorkingDirectory = app.Root }.Run("backup");
        Assert.Equal(12, refused.ExitCode);
        var beforeDrill = Now();
        coffre.Ok("drill", "--full");
        var afterDrill = Now();
        var history = File.ReadAllLines(Path.Combine(app.Root, "logs", "history.jsonl"));

        var r = coffre.Ok("metrics");
        var m = new Exposition(r.StdOut);

        Assert.Empty(r.StdErr);
        Assert.Equal(m.Names.Order(StringComparer.Ordinal), m.Names); // families in name order
        Assert.All(m.Families, f => Assert.False(string.IsNullOrWhiteSpace(f.Help), $"{f.Name} has no HELP"));
        Assert.All(m.Families.Where(f => f.Type == "counter"), f => Assert.EndsWith("_total", f.Name, StringComparison.Ordinal));
        Assert.Equal(
            ["coffre_backups_total", "coffre_disk_free_bytes", "coffre_last_backup_added_bytes", "coffre_last_backup_duration_seconds",
             "coffre_last_backup_success", "coffre_last_backup_timestamp_seconds", "coffre_last_drill_success", "coffre_last_drill_timestamp_seconds",
             "coffre_last_successful_backup_timestamp_seconds", "coffre_repository_present", "coffre_repository_size_bytes"], m.Names);
        var shop = ("application", "shop");

        // The last backup is the refused one (wrong password): not a success, ended after the failed one.
        Assert.Equal(0, m.Value("coffre_last_backup_success", shop));
        Assert.InRange(m.Value("coffre_last_backup_timestamp_seconds", shop), afterFailed, beforeDrill);
        Assert.InRange(m.Value("coffre_last_successful_backup_timestamp_seconds", shop), beforeOk, afterOk);
        Assert.InRange(m.Value("coffre_last_backup_duration_seconds", shop), 0, beforeDrill - afterFailed);
        Assert.Equal(ok.GetProperty("data_added").GetInt64(), m.Value("coffre_last_backup_added_bytes", shop));
        Assert.InRange(m.Value("coffre_last_backup_added_bytes", shop), 3 << 20, 4 << 20); // big.bin is 3 MiB of random bytes
        Assert.Equal(1, m.Value("coffre_backups_total", shop, ("result", "ok")));
        Assert.Equal(1, m.Value("coffre_backups_total", shop, ("result", "failed")));
        Assert.Equal(1, m.Value("coffre_backups_total", shop, ("result", "wrong-password")));
        Assert.Equal(0, m.Value("coffre_backups_total", shop, ("result", "incomplete")));
        Assert.Equal(0, m.Value("coffre_backups_total", shop, ("result", "interrupted")));
        Assert.Equal(0, m.Value("coffre_backups_total", shop, ("result", "cancelled")));
        Assert.Equal(6, m.Family("coffre_backups_total").Samples.Count);
        Assert.Equal(1, m.Value("coffre_last_drill_success", shop));
        Assert.InRange(m.Value("coffre_last_drill_timestamp_seconds", shop), beforeDrill, afterDrill);

        // The same values as the history's records say, to the millisecond.
        var records = history.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var backups = records.Where(e => e.GetProperty("operation").GetString() == "backup").ToList();
        Assert.Equal(["ok", "failed", "wrong-password"], backups.Select(e => e.GetProperty("result").GetString()));
        Assert.Equal(End(backups[2]), m.Value("coffre_last_backup_timestamp_seconds", shop));
        Assert.Equal(End(backups[0]), m.Value("coffre_last_successful_backup_timestamp_seconds", shop));
        Assert.Equal(backups[2].GetProperty("duration_seconds").GetDouble(), m.Value("coffre_last_backup_duration_seconds", shop));
        Assert.Equal(End(records.Last(e => e.GetProperty("operation").GetString() == "drill")), m.Value("coffre_last_drill_timestamp_seconds", shop));

        // The repository: every sample is labelled with its absolute path.
        var repo = ("repository", app.Repo);
        Assert.Equal(1, m.Value("coffre_repository_present", repo));
        Assert.Equal(FindSizes(app.Repo), m.Value("coffre_repository_size_bytes", repo));
        Assert.InRange(m.Value("coffre_repository_size_bytes", repo), 3 << 20, 8 << 20); // compressed random data does not shrink
        var free = m.Value("coffre_disk_free_bytes", repo);
        Assert.InRange(free, 1, double.MaxValue);
        Assert.InRange(Math.Abs(free - DfAvailable(app.Repo)), 0, 256 << 20); // others write to the disk meanwhile

        // Reading the metrics is not a run: the history is unchanged.
        Assert.Equal(history, File.ReadAllLines(Path.Combine(app.Root, "logs", "history.jsonl")));
    }

    [Fact]
    public void Metrics_work_from_r_alone_write_a_file_atomically_and_refuse_without_a_repository()
    {
        using var dir = new TestDirectory("metrics-r");
        var app = new SqliteApp(dir);
        app.Coffre.Ok("init");
        app.Coffre.Ok("backup");
        var elsewhere = new CoffreRunner(null, null) { WorkingDirectory = dir.Path }; // no coffre.json here, no password
        var textfile = dir.CreateSub("textfile");

        var fromR = new Exposition(elsewhere.Ok("metrics", "-r", app.Repo).StdOut);
        var quiet = elsewhere.Ok("metrics", "-r", app.Repo, "--output", Path.Combine(textfile, "coffre.prom"));
        var fromFile = new Exposition(File.ReadAllText(Path.Combine(textfile, "coffre.prom")));
        var json = elsewhere.Json("metrics", "-r", app.Repo);

        Assert.Equal(1, fromR.Value("coffre_last_backup_success", ("application", "shop")));
        Assert.Equal(1, fromR.Value("coffre_backups_total", ("application", "shop"), ("result", "ok")));
        Assert.Empty(quiet.StdOut);
        Assert.Equal(["coffre.prom"], Directory.GetFiles(textfile).Select(Path.GetFileName)); // no temp file left
        Assert.Equal(fromR.Names, fromFile.Names);
        Assert.Equal(fromR.Value("coffre_repository_size_bytes", ("repository", app.Repo)), fromFile.Value("coffre_repository_size_bytes", ("repository", app.Repo)));
        var jsonFamily = json.EnumerateArray().Single(f => f.GetProperty("name").GetString() == "coffre_last_backup_success");
        Assert.Equal("gauge", jsonFamily.GetProperty("type").GetString());
        Assert.Equal(1, jsonFamily.GetProperty("samples")[0].GetProperty("value").GetDouble());

        Errors.AssertOneLine(elsewhere.Run("metrics"), 10, "no repository");
        Errors.AssertOneLine(elsewhere.Run("metrics", "-r", app.Repo, "--output", dir.Sub("no-such-folder/coffre.prom")), 1, "cannot write the metrics");
    }

    [Fact]
    public void A_repository_path_with_quotes_backslashes_and_a_line_break_is_escaped_and_reads_back_exactly()
    {
        using var dir = new TestDirectory("metrics-escape");
        var repo = dir.Sub("re\"po\\with\nbreak");
        var src = dir.CreateSub("src");
        File.WriteAllText(Path.Combine(src, "a.txt"), "data\n");
        var coffre = new CoffreRunner(repo);
        coffre.Init();
        coffre.Backup(src);
        var missing = Path.Combine(dir.CreateSub("elsewhere"), "gone \"away\""); // its log folder, elsewhere/logs, does not exist either

        var m = new Exposition(coffre.Ok("metrics").StdOut);
        var gone = new Exposition(new CoffreRunner(missing, null).Ok("metrics").StdOut);

        Assert.Equal(1, m.Value("coffre_repository_present", ("repository", repo)));
        Assert.Equal(FindSizes(repo), m.Value("coffre_repository_size_bytes", ("repository", repo)));
        Assert.Equal(1, m.Value("coffre_last_backup_success", ("application", "")));
        // A repository that is not there: present 0, no size or free space, no runs; the command still succeeds.
        Assert.Equal(0, gone.Value("coffre_repository_present", ("repository", missing)));
        Assert.Equal(["coffre_repository_present"], gone.Names);
    }

    [Fact]
    public void A_user_who_may_not_read_the_log_folder_gets_an_error_not_metrics_without_runs()
    {
        using var dir = new TestDirectory("metrics-nobody");
        var repo = dir.Sub("repo");
        var src = dir.CreateSub("src");
        File.WriteAllText(Path.Combine(src, "a.txt"), "data\n");
        var coffre = new CoffreRunner(repo);
        coffre.Init();
        coffre.Backup(src);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(dir.Sub("logs")));

        var r = new CoffreRunner(repo, null) { AsNobody = true }.Run("metrics");

        Errors.AssertOneLine(r, 1, "cannot read the metrics", "history", "permission denied");
        Assert.Empty(r.StdOut);
    }

    private static double Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;

    private static double End(JsonElement record) =>
        DateTimeOffset.Parse(record.GetProperty("end").GetString()!, CultureInfo.InvariantCulture).ToUnixTimeMilliseconds() / 1000.0;

    /// <summary>The sum of the file sizes under a folder, as find(1) reports them.</summary>
    private static double FindSizes(string folder) =>
        ProcessRunner.Run("/usr/bin/find", [folder, "-type", "f", "-printf", "%s\\n"], new Dictionary<string, string?>()).StdOut
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Sum(s => long.Parse(s, CultureInfo.InvariantCulture));

    /// <summary>Bytes available to unprivileged users on the folder's file system, as df(1) reports them.</summary>
    private static double DfAvailable(string folder) =>
        long.Parse(ProcessRunner.Run("/usr/bin/df", ["-B1", "--output=avail", folder], new Dictionary<string, string?>()).StdOut
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)[1].Trim(), CultureInfo.InvariantCulture);

    /// <summary>A parsed `coffre metrics` output and lookups that fail with the whole text when a series is missing.</summary>
    private sealed class Exposition(string text)
    {
        public List<PromFamily> Families { get; } = PrometheusTextParser.Parse(text);

        public List<string> Names => [.. Families.Select(f => f.Name)];

        public PromFamily Family(string name) =>
            Families.SingleOrDefault(f => f.Name == name) ?? throw new Xunit.Sdk.XunitException($"no family {name} in\n{text}");

        /// <summary>The value of the one sample of <paramref name="name"/> with exactly these labels.</summary>
        public double Value(string name, params (string Name, string Value)[] labels)
        {
            var sample = Family(name).Samples.SingleOrDefault(s => s.Labels.Count == labels.Length && labels.All(l => s.Labels.TryGetValue(l.Name, out var v) && v == l.Value));
            return sample?.Value ?? throw new Xunit.Sdk.XunitException($"no sample {name}{{{string.Join(",", labels.Select(l => $"{l.Name}=\"{l.Value}\""))}}} in\n{text}");
        }
    }
}
