using Coffre.Configuration;
using Coffre.Health;
using Coffre.Journal;
using Coffre.Platform;

namespace Coffre.Tests.Health;

/// <summary>Each rule of the engine's <see cref="HealthInspector"/> on journal records and a clock the test sets.</summary>
public class HealthRulesTests
{
    private const string App = "shop";
    private const string Repo = "/srv/shop/backups";
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    private sealed class Clock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private static RunRecord Run(string operation, TimeSpan ago, string result = RunResults.Ok, string? error = null, string? snapshot = null) => new()
    {
        Operation = operation, Start = Now - ago, End = Now - ago + TimeSpan.FromMinutes(2), Application = App, Repository = Repo,
        Result = result, Error = error, SnapshotId = snapshot, ExitCode = result == RunResults.Ok ? 0 : 1,
    };

    private static HealthInputs Inputs(IEnumerable<RunRecord> history, Action<CoffreConfig>? configure = null, IReadOnlyList<string>? problems = null)
    {
        var config = new CoffreConfig { Application = App, Repository = { Path = Repo } };
        configure?.Invoke(config);
        return new HealthInputs
        {
            Config = config, RepositoryPath = Repo, History = [.. history], Clock = new Clock(Now), TimeZone = TimeZoneInfo.Utc, ConfigProblems = problems ?? [],
        };
    }

    private static HealthReport Report(HealthInputs inputs) => HealthInspector.Inspect(inputs, null, []);

    private static HealthFinding Only(HealthReport report, string code) =>
        Assert.Single(report.Findings, f => f.Code == code);

    private static readonly Action<CoffreConfig> Daily = c => c.Schedule.Backup = "daily 02:30";

    [Fact]
    public void A_recent_good_backup_and_drill_is_all_good_with_exit_code_0()
    {
        var report = Report(Inputs([Run("backup", TimeSpan.FromHours(9)), Run("drill", TimeSpan.FromHours(8)), Run("check", TimeSpan.FromHours(7))], Daily));
        Assert.Empty(report.Findings);
        Assert.Equal(HealthVerdict.Fine, report.Verdict);
        Assert.Equal(0, report.ExitCode);
        Assert.Equal("all good", report.VerdictText);
    }

    [Fact]
    public void No_successful_backup_within_the_schedule_plus_a_grace_is_failing()
    {
        // daily 02:30: the last good one 2 days ago, failures since are also reported as a streak.
        var inputs = Inputs([Run("backup", TimeSpan.FromDays(2)), Run("backup", TimeSpan.FromHours(33), RunResults.Failed, "disk full"), Run("backup", TimeSpan.FromHours(9), RunResults.Failed, "disk full")], Daily);
        var report = Report(inputs);
        var overdue = Only(report, "backup-overdue");
        Assert.Equal(HealthSeverity.Failing, overdue.Severity);
        Assert.Contains("no successful backup since", overdue.Text, StringComparison.Ordinal);
        Assert.StartsWith("coffre backup", overdue.Fix, StringComparison.Ordinal);
        var streak = Only(report, "backup-failing");
        Assert.StartsWith("the last 2 backups failed (since ", streak.Text, StringComparison.Ordinal);
        Assert.EndsWith(": disk full", streak.Text, StringComparison.Ordinal);
        Assert.Equal(2, report.ExitCode);

        // daily 08:00, the last backup yesterday at 08:00: due today 08:00, it is 12:00, the grace of a daily schedule is 6 h: not yet.
        Action<CoffreConfig> morning = c => c.Schedule.Backup = "daily 08:00";
        Assert.DoesNotContain(Report(Inputs([Run("backup", TimeSpan.FromHours(28))], morning)).Findings, f => f.Code == "backup-overdue");
        Assert.Contains(Report(Inputs([Run("backup", TimeSpan.FromHours(28))], morning) with { Clock = new Clock(Now.AddHours(3)) }).Findings, f => f.Code == "backup-overdue");
    }

    [Fact]
    public void Without_a_schedule_a_backup_older_than_a_week_is_overdue_and_none_at_all_needs_attention()
    {
        Assert.Contains(Report(Inputs([Run("backup", TimeSpan.FromDays(8))])).Findings, f => f.Code == "backup-overdue");
        Assert.DoesNotContain(Report(Inputs([Run("backup", TimeSpan.FromDays(6))])).Findings, f => f.Code == "backup-overdue");
        var none = Report(Inputs([]));
        Assert.Equal(HealthSeverity.Attention, Only(none, "no-backup").Severity);
        Assert.Equal(1, none.ExitCode);
    }

    [Fact]
    public void A_failing_backup_streak_says_how_many_since_when_and_why_and_ends_with_a_success()
    {
        var failing = Report(Inputs([Run("backup", TimeSpan.FromHours(30), RunResults.Failed, "pg_dump: connection refused")]));
        Assert.StartsWith("the last backup failed: pg_dump: connection refused (", Only(failing, "backup-failing").Text, StringComparison.Ordinal);
        var wrongPassword = Report(Inputs([Run("backup", TimeSpan.FromHours(3), RunResults.WrongPassword, "wrong password")]));
        Assert.Equal(HealthSeverity.Failing, Only(wrongPassword, "backup-failing").Severity);
        var interruptedAfterSuccess = Report(Inputs([Run("backup", TimeSpan.FromHours(5), RunResults.Failed, "x"), Run("backup", TimeSpan.FromHours(4)), Run("backup", TimeSpan.FromHours(3), RunResults.Interrupted)]));
        Assert.DoesNotContain(interruptedAfterSuccess.Findings, f => f.Code == "backup-failing");
    }

    [Fact]
    public void An_incomplete_backup_needs_attention_and_says_what_was_skipped()
    {
        var report = Report(Inputs([Run("backup", TimeSpan.FromHours(3), RunResults.Incomplete, "2 path(s) could not be read, first /srv/media/a.jpg: permission denied")]));
        var incomplete = Only(report, "backup-incomplete");
        Assert.Equal(HealthSeverity.Attention, incomplete.Severity);
        Assert.Contains("/srv/media/a.jpg: permission denied", incomplete.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(report.Findings, f => f.Code is "backup-failing" or "backup-overdue");
    }

    [Fact]
    public void The_last_check_failing_is_failing_until_a_check_passes()
    {
        var failed = Run("check", TimeSpan.FromHours(5), RunResults.Failed, "pack 1a2b3c4d: does not exist; 1 damaged snapshot(s)") with { Application = null };
        var report = Report(Inputs([Run("backup", TimeSpan.FromHours(6)), failed]));
        var check = Only(report, "check-failed");
        Assert.Equal(HealthSeverity.Failing, check.Severity);
        Assert.Contains("pack 1a2b3c4d: does not exist", check.Text, StringComparison.Ordinal);
        Assert.Contains("coffre check --read-data", check.Fix, StringComparison.Ordinal);
        Assert.Equal(HealthVerdict.Failing, report.Verdict);
        Assert.Empty(Report(Inputs([Run("backup", TimeSpan.FromHours(6)), failed, Run("check", TimeSpan.FromHours(1)) with { Application = null }])).Findings);
        // Another repository's check says nothing about this one.
        Assert.Empty(Report(Inputs([Run("backup", TimeSpan.FromHours(6)), failed with { Repository = "/elsewhere" }])).Findings);
    }

    [Fact]
    public void A_scheduled_check_that_has_not_run_for_too_long_needs_attention()
    {
        var report = Report(Inputs([Run("backup", TimeSpan.FromHours(6)), Run("check", TimeSpan.FromDays(3))], c => c.Schedule.Check = "daily 07:00"));
        Assert.Equal(HealthSeverity.Attention, Only(report, "check-overdue").Severity);
    }

    [Fact]
    public void A_failed_drill_is_failing_and_a_drill_too_old_needs_attention()
    {
        var failed = Report(Inputs([Run("backup", TimeSpan.FromHours(6)), Run("drill", TimeSpan.FromHours(5), RunResults.Failed, "media uploads: 1 file differs")]));
        Assert.Equal(HealthSeverity.Failing, Only(failed, "drill-failed").Severity);

        // No drill schedule: 30 days from the first backup.
        var never = Report(Inputs([Run("backup", TimeSpan.FromDays(40)), Run("backup", TimeSpan.FromHours(6))]));
        Assert.StartsWith("no restore drill has ever run", Only(never, "drill-overdue").Text, StringComparison.Ordinal);
        Assert.DoesNotContain(Report(Inputs([Run("backup", TimeSpan.FromDays(20))], Daily)).Findings, f => f.Code == "drill-overdue");

        // A weekly drill last run 10 days ago.
        var weekly = Report(Inputs([Run("backup", TimeSpan.FromHours(6)), Run("drill", TimeSpan.FromDays(10))], c => c.Schedule.Drill = "weekly sun 04:00"));
        Assert.Equal(HealthSeverity.Attention, Only(weekly, "drill-overdue").Severity);
    }

    [Fact]
    public void A_failed_prune_needs_attention()
    {
        var report = Report(Inputs([Run("backup", TimeSpan.FromHours(6)), Run("prune", TimeSpan.FromHours(5), RunResults.Failed, "not enough free space")]));
        var prune = Only(report, "prune-failed");
        Assert.Equal(HealthSeverity.Attention, prune.Severity);
        Assert.Contains("coffre prune", prune.Fix, StringComparison.Ordinal);
        Assert.Equal(1, report.ExitCode);
    }

    [Fact]
    public void A_failed_restore_is_failing_and_keeps_its_rollback_hint()
    {
        var report = Report(Inputs([Run("backup", TimeSpan.FromHours(6)), Run("restore", TimeSpan.FromHours(1), RunResults.Failed, "hook failed. roll back with 'coffre restore abcd1234 --force'")]));
        Assert.Contains("coffre restore abcd1234 --force", Only(report, "restore-failed").Text, StringComparison.Ordinal);
    }

    [Fact]
    public void An_alert_that_could_not_be_delivered_today_needs_attention_and_is_forgotten_after_a_day()
    {
        var recent = Report(Inputs([Run("backup", TimeSpan.FromHours(6)), Run("alert", TimeSpan.FromHours(2), RunResults.Failed, "smtp: connection refused")]));
        Assert.Contains("smtp: connection refused", Only(recent, "alert-undeliverable").Text, StringComparison.Ordinal);
        Assert.Empty(Report(Inputs([Run("backup", TimeSpan.FromHours(6)), Run("alert", TimeSpan.FromDays(2), RunResults.Failed, "smtp")])).Findings);
    }

    [Fact]
    public void An_invalid_configuration_is_failing_and_comes_first()
    {
        var report = Report(Inputs([Run("prune", TimeSpan.FromHours(5), RunResults.Failed, "x")], problems: ["databases[0].engine: unknown engine"]));
        Assert.Equal("configuration-invalid", report.Findings[0].Code);
        Assert.Contains("databases[0].engine", report.Findings[0].Text, StringComparison.Ordinal);
        Assert.Equal(HealthVerdict.Failing, report.Verdict);
    }

    [Fact]
    public void Findings_come_in_the_order_an_administrator_checks_and_the_host_s_own_after_the_configuration()
    {
        var inputs = Inputs([Run("backup", TimeSpan.FromHours(6), RunResults.Failed, "x"), Run("check", TimeSpan.FromHours(5), RunResults.Failed, "y"),
            Run("drill", TimeSpan.FromHours(4), RunResults.Failed, "z"), Run("prune", TimeSpan.FromHours(3), RunResults.Failed, "w"), Run("alert", TimeSpan.FromHours(2), RunResults.Failed, "v")],
            problems: ["application: missing"]);
        var repository = new RepositoryHealth(false, [HealthFinding.Failing("wrong-password", "no key", "fix")], [], []);
        var report = HealthInspector.Inspect(inputs, repository, [HealthFinding.Failing("database-tool-missing", "pg_dump", "install")], [HealthFinding.Attention("schedule", "s", "f")]);
        Assert.Equal(["configuration-invalid", "schedule", "wrong-password", "backup-failing", "check-failed", "drill-failed", "prune-failed", "database-tool-missing", "alert-undeliverable"],
            report.Findings.Select(f => f.Code));
    }

    [Fact]
    public void Disk_space_below_the_threshold_needs_attention_and_almost_full_is_failing()
    {
        const long G = 1L << 30;
        var alerts = new AlertsSection();
        Assert.Empty(DiskRule.Find(new FileSystemSpace(100 * G, 50 * G, 50 * G), Repo, alerts));
        Assert.Equal("disk-low", Assert.Single(DiskRule.Find(new FileSystemSpace(100 * G, 4 * G, 96 * G), Repo, alerts)).Code); // default: 5 %
        Assert.Equal("disk-full", Assert.Single(DiskRule.Find(new FileSystemSpace(100 * G, G / 2, 99 * G), Repo, alerts)).Code);
        Assert.Equal("disk-full", Assert.Single(DiskRule.Find(new FileSystemSpace(10 * G, 100 << 20, 9 * G), Repo, alerts)).Code); // under 256 MiB
        var configured = new AlertsSection { DiskFreeThresholdBytes = 60 * G };
        var low = Assert.Single(DiskRule.Find(new FileSystemSpace(100 * G, 50 * G, 50 * G), Repo, configured));
        Assert.Equal(HealthSeverity.Attention, low.Severity);
        Assert.Contains(Repo, low.Text, StringComparison.Ordinal);
        Assert.Empty(DiskRule.Find(null, Repo, alerts)); // not measurable: the repository finding says why
    }

    [Fact]
    public void Pg_dump_versions_are_read_from_their_version_line()
    {
        Assert.Equal(15, Coffre.Sources.PostgreSql.PostgreSqlTools.Major("pg_dump (PostgreSQL) 15.4 (Debian 15.4-1.pgdg120+1)"));
        Assert.Equal(9, Coffre.Sources.PostgreSql.PostgreSqlTools.Major("pg_dump (PostgreSQL) 9.6.24"));
        Assert.Equal(17, Coffre.Sources.PostgreSql.PostgreSqlTools.Major("pg_dump (PostgreSQL) 17devel"));
        Assert.Null(Coffre.Sources.PostgreSql.PostgreSqlTools.Major("not a version"));
    }

    [Fact]
    public async Task A_missing_dump_tool_is_failing()
    {
        var bin = Directory.CreateTempSubdirectory("coffre-health-bin-").FullName;
        try
        {
            var config = new CoffreConfig
            {
                Application = App,
                Databases =
                [
                    new DatabaseSection { Name = "main", Engine = "postgresql", Database = "main", User = "u", BinDirectory = bin },
                    new DatabaseSection { Name = "shop", Engine = "mysql", Database = "shop", User = "u", BinDirectory = bin },
                    new DatabaseSection { Name = "local", Engine = "sqlite", Path = "/tmp/x.sqlite3" },
                ],
            };
            var findings = await DatabaseToolProbe.ProbeAsync(config, new Dictionary<string, string?>(), CancellationToken.None);
            Assert.Equal(2, findings.Count);
            Assert.All(findings, f => Assert.Equal(("database-tool-missing", HealthSeverity.Failing), (f.Code, f.Severity)));
            Assert.Contains("database main: pg_dump is not in " + bin, findings[0].Text, StringComparison.Ordinal);
            Assert.Contains("mariadb-dump nor mysqldump", findings[1].Text, StringComparison.Ordinal);
        }
        finally { Directory.Delete(bin, true); }
    }
}
