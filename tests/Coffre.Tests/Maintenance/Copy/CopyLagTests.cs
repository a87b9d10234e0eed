using Coffre.Configuration;
using Coffre.Health;
using Coffre.Journal;
using Coffre.Maintenance.Copy;

namespace Coffre.Tests.Maintenance.Copy;

/// <summary>
/// How far behind each copy is, read from the run history (<see cref="CopyLags"/>), and the findings doctor and the
/// dashboard show for it (<see cref="CopyRules"/>).
/// </summary>
public class CopyLagTests
{
    private const string App = "shop";
    private const string Usb = "/mnt/usb/shop";
    private const string Rest = "rest:https://user:***@backup.example:8000/shop"; // as the journal names it: the password masked
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    private sealed class Clock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private static CoffreConfig Config(string? schedule = "daily 02:30") => new()
    {
        Application = App,
        Repository = { Path = "/srv/shop/backups" },
        Schedule = { Backup = schedule },
        Copies =
        [
            new CopySection { Name = "usb", Location = Usb, PasswordEnv = "X" },
            new CopySection { Location = "rest:https://user:hunter2@backup.example:8000/shop", PasswordEnv = "X" },
        ],
    };

    private static RunRecord Backup(TimeSpan ago, string? copies, string result = RunResults.Ok) => new()
    {
        Operation = "backup", Start = Now - ago, End = Now - ago + TimeSpan.FromMinutes(2), Application = App, Repository = "/srv/shop/backups",
        Result = result, SnapshotId = result is RunResults.Ok or RunResults.Incomplete ? "3e7d4c4a" : null, Copies = copies, ExitCode = 0,
    };

    private static RunRecord CopyRun(TimeSpan ago, string? copies, string result = RunResults.Ok) => Backup(ago, copies, result) with { Operation = "copy", SnapshotId = null };

    [Fact]
    public void Each_copy_is_followed_through_backups_and_coffre_copy()
    {
        var history = new[]
        {
            Backup(TimeSpan.FromDays(3), $"{Usb}: copied as 11111111; {Rest}: copied as 22222222"),
            Backup(TimeSpan.FromDays(2), $"{Usb}: failed: no repository at {Usb}: check the path; {Rest}: copied as 33333333"),
            Backup(TimeSpan.FromDays(1.5), null, RunResults.Failed), // no snapshot: nothing for the copies to lack
            Backup(TimeSpan.FromDays(1), $"{Usb}: failed: no repository at {Usb}: check the path; {Rest}: copied as 44444444"),
            Backup(TimeSpan.FromHours(20), $"{Usb}: failed: no repository at {Usb}: check the path; {Rest}: failed: the server refused the credentials", RunResults.Incomplete),
        };
        var lags = CopyLags.FromHistory(Config(), history);

        var usb = lags[0];
        Assert.Equal(("usb", Usb, 3, true), (usb.Label, usb.Location, usb.Behind, usb.Failing));
        Assert.Equal(Now - TimeSpan.FromDays(3) + TimeSpan.FromMinutes(2), usb.LastSuccess);
        Assert.Equal($"no repository at {Usb}: check the path", usb.LastError);
        var rest = lags[1];
        Assert.Equal(Rest, rest.Location);
        Assert.Equal(Rest, rest.Label);
        Assert.Equal((1, "the server refused the credentials"), (rest.Behind, rest.LastError));
        Assert.Equal(Now - TimeSpan.FromDays(1) + TimeSpan.FromMinutes(2), rest.LastSuccess);

        // `coffre copy` brings a copy up to date; a copy it could not reach stays behind.
        var after = CopyLags.FromHistory(Config(), [.. history, CopyRun(TimeSpan.FromHours(1), $"{Usb}: up to date; {Rest}: failed: unreachable", RunResults.Failed)]);
        Assert.Equal((0, false), (after[0].Behind, after[0].Failing));
        Assert.Equal((1, "unreachable"), (after[1].Behind, after[1].LastError));
    }

    [Fact]
    public void A_copy_failing_within_the_schedule_is_attention_then_failing_once_overdue()
    {
        Assert.Empty(Findings(Config(), [Backup(TimeSpan.FromHours(9), $"{Usb}: copied as 1; {Rest}: copied as 2")]));

        // The scheduled backup reached it; an extra one by hand did not: not overdue yet.
        var recent = Findings(Config(), [
            Backup(TimeSpan.FromHours(9), $"{Usb}: copied as 1; {Rest}: copied as 2"),
            Backup(TimeSpan.FromHours(1), $"{Usb}: failed: no repository at {Usb}; {Rest}: copied as 3")]);
        var f = Assert.Single(recent);
        Assert.Equal(("copy-failing", HealthSeverity.Attention), (f.Code, f.Severity));
        Assert.Equal($"copy usb failed 2026-12-07 11:02 +00:00: no repository at {Usb}; it last received a backup 2026-12-07 03:02 +00:00; it lacks 1 backup(s)", f.Text);
        Assert.StartsWith($"make {Usb} reachable", f.Fix, StringComparison.Ordinal);
        Assert.EndsWith("coffre copy", f.Fix, StringComparison.Ordinal);

        // The scheduled backups since yesterday's did not reach it: more than the schedule's interval behind.
        var overdue = Findings(Config(), [
            Backup(TimeSpan.FromHours(81), $"{Usb}: copied as 1; {Rest}: copied as 2"),
            Backup(TimeSpan.FromHours(57), $"{Usb}: failed: no repository at {Usb}; {Rest}: copied as 3"),
            Backup(TimeSpan.FromHours(33), $"{Usb}: failed: no repository at {Usb}; {Rest}: copied as 4"),
            Backup(TimeSpan.FromHours(9), $"{Usb}: failed: no repository at {Usb}; {Rest}: copied as 5")]);
        var o = Assert.Single(overdue);
        Assert.Equal(("copy-failing", HealthSeverity.Failing), (o.Code, o.Severity));
        Assert.Contains("it lacks 3 backup(s)", o.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_copy_added_after_the_backups_is_behind_until_coffre_copy()
    {
        var history = new[] { Backup(TimeSpan.FromHours(9), $"{Usb}: copied as 1") };
        var f = Assert.Single(Findings(Config(), history));
        Assert.Equal(("copy-behind", HealthSeverity.Attention), (f.Code, f.Severity));
        Assert.Equal($"copy {Rest} has never received a backup; it lacks 1 backup(s)", f.Text);
        Assert.Equal("coffre copy", f.Fix);
        Assert.Empty(Findings(Config(), [.. history, CopyRun(TimeSpan.FromHours(1), $"{Usb}: up to date; {Rest}: up to date")]));
    }

    private static IReadOnlyList<HealthFinding> Findings(CoffreConfig config, IEnumerable<RunRecord> history) =>
        HealthInspector.Inspect(new HealthInputs
        {
            Config = config, RepositoryPath = "/srv/shop/backups", History = [.. history], Clock = new Clock(Now), TimeZone = TimeZoneInfo.Utc,
        }, null, []).Findings.Where(f => f.Code.StartsWith("copy-", StringComparison.Ordinal)).ToList();
}
