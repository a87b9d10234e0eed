using Coffre.Scheduling;

namespace Coffre.Tests.Scheduling;

public class CrontabTests
{
    private static ScheduleInstall Install(string? env = null, params string[] schedules) => new(
        "/srv/boutique/coffre.json", "boutique",
        [.. schedules.Select((s, i) => new ScheduledJob((JobKind)i, Schedule.Parse(s)))],
        ["/usr/local/bin/coffre"], env);

    [Theory]
    [InlineData("hourly", "0 * * * *")]
    [InlineData("daily 02:30", "30 2 * * *")]
    [InlineData("weekly sun 03:05", "5 3 * * 0")]
    [InlineData("weekly sat 03:05", "5 3 * * 6")]
    [InlineData("monthly 1 04:00", "0 4 1 * *")]
    [InlineData("monthly 31 04:00", "0 4 31 * *|0 4 28-30 2,4,6,9,11 * [ \"$(date -d tomorrow +\\%d)\" = 01 ]")]
    [InlineData("monthly 30 04:00", "0 4 30 * *|0 4 28-29 2 * [ \"$(date -d tomorrow +\\%d)\" = 01 ]")]
    [InlineData("monthly 29 04:00", "0 4 29 * *|0 4 28 2 * [ \"$(date -d tomorrow +\\%d)\" = 01 ]")]
    [InlineData("*/15  1-5 * * mon-fri", "*/15 1-5 * * mon-fri")]
    public void EntriesForEachForm(string schedule, string expected) =>
        Assert.Equal(expected, string.Join('|', CrontabSchedule.Entries(Schedule.Parse(schedule)).Select(e => e.Condition is null ? e.Fields : $"{e.Fields} {e.Condition}")));

    /// <summary>
    /// The crontab entries of monthly D, read back as cron would (fields, then "tomorrow is the 1st"), run on exactly
    /// the days the schedule runs, over eight years (two leap years).
    /// </summary>
    [Theory]
    [InlineData(28)]
    [InlineData(29)]
    [InlineData(30)]
    [InlineData(31)]
    public void MonthlyEntriesRunOnTheScheduleDays(int day)
    {
        var schedule = (CalendarSchedule)Schedule.Parse($"monthly {day} 04:00");
        var entries = CrontabSchedule.Entries(schedule)
            .Select(e => (Fields: (CalendarSchedule)Schedule.Parse(e.Fields), NeedsLastDay: e.Condition is not null))
            .ToList();
        for (var d = new DateOnly(2025, 1, 1); d < new DateOnly(2033, 1, 1); d = d.AddDays(1))
        {
            var runs = entries.Count(e => e.Fields.RunsOn(d) && (!e.NeedsLastDay || d.AddDays(1).Day == 1));
            Assert.True(runs == (schedule.RunsOn(d) ? 1 : 0), $"monthly {day} on {d:yyyy-MM-dd}: cron runs {runs} times");
        }
    }

    [Fact]
    public void BlockGolden() => Assert.Equal(
        """
        # BEGIN coffre /srv/boutique/coffre.json (written by 'coffre schedule install'; reinstalling replaces this block)
        30 2 * * * /usr/bin/flock /srv/boutique/coffre.json /usr/local/bin/coffre backup -q -c /srv/boutique/coffre.json
        0 4 * * 0 /usr/bin/flock /srv/boutique/coffre.json /usr/local/bin/coffre drill -q -c /srv/boutique/coffre.json
        0 5 1 * * /usr/bin/flock /srv/boutique/coffre.json /usr/local/bin/coffre drill --full -q -c /srv/boutique/coffre.json
        # END coffre /srv/boutique/coffre.json

        """,
        CrontabBlock.Generate(Install(null, "daily 02:30", "weekly sun 04:00", "monthly 1 05:00")));

    [Fact]
    public void BlockReadsTheEnvironmentFileAndQuotes()
    {
        var install = new ScheduleInstall("/srv/my shop/coffre.json", "shop", [new ScheduledJob(JobKind.Backup, Schedule.Parse("hourly"))],
            ["/opt/it's/coffre"], "/srv/my shop/coffre.env");
        Assert.Equal(
            """
            # BEGIN coffre /srv/my shop/coffre.json (written by 'coffre schedule install'; reinstalling replaces this block)
            0 * * * * set -a && . '/srv/my shop/coffre.env' && set +a && /usr/bin/flock '/srv/my shop/coffre.json' '/opt/it'\''s/coffre' backup -q -c '/srv/my shop/coffre.json'
            # END coffre /srv/my shop/coffre.json

            """,
            CrontabBlock.Generate(install));
    }

    [Fact]
    public void PercentSignsAreEscapedForCron() => Assert.Equal("'/srv/100\\% sure'", CrontabBlock.Quote("/srv/100% sure"));

    private const string Path = "/srv/boutique/coffre.json";
    private static readonly string Block = CrontabBlock.Generate(Install(null, "daily 02:30"));

    [Fact]
    public void MergeIntoAnEmptyCrontab() => Assert.Equal(Block, CrontabBlock.Merge("", Path, Block));

    [Fact]
    public void MergeKeepsOtherLinesAndAddsAtTheEnd()
    {
        const string existing = "MAILTO=ops@example.com\n# nightly report\n0 6 * * * /usr/local/bin/report\n";
        Assert.Equal(existing + Block, CrontabBlock.Merge(existing, Path, Block));
        Assert.Equal(existing + Block, CrontabBlock.Merge(existing.TrimEnd('\n'), Path, Block)); // no final line break
    }

    [Fact]
    public void ReinstallReplacesTheBlockWhereItWas()
    {
        var old = CrontabBlock.Generate(Install(null, "daily 01:00", "daily 03:00"));
        var other = CrontabBlock.Generate(new ScheduleInstall("/srv/blog/coffre.json", "blog", [new ScheduledJob(JobKind.Backup, Schedule.Parse("hourly"))], ["/usr/local/bin/coffre"], null));
        var existing = "0 6 * * * /usr/local/bin/report\n" + old + other + "# last line\n";
        var merged = CrontabBlock.Merge(existing, Path, Block);
        Assert.Equal("0 6 * * * /usr/local/bin/report\n" + Block + other + "# last line\n", merged);
        Assert.Equal(merged, CrontabBlock.Merge(merged, Path, Block)); // idempotent
    }

    [Fact]
    public void MergeWithoutABlockRemovesIt() =>
        Assert.Equal("0 6 * * * report\n", CrontabBlock.Merge("0 6 * * * report\n" + Block, Path, null));

    [Fact]
    public void ABeginWithoutItsEndIsRefused()
    {
        var damaged = "0 6 * * * report\n" + Block.Replace(CrontabBlock.End(Path) + "\n", "", StringComparison.Ordinal);
        var e = Assert.Throws<FormatException>(() => CrontabBlock.Merge(damaged, Path, Block));
        Assert.Contains("without its", e.Message, StringComparison.Ordinal);
    }
}
