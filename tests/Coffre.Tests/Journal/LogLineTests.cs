using Coffre.Journal;

namespace Coffre.Tests.Journal;

public class LogLineTests
{
    [Fact]
    public void A_line_has_the_time_operation_result_and_the_fields_that_apply()
    {
        var run = JournalFolder.Run(new DateTimeOffset(2026, 1, 29, 9, 42, 31, 120, TimeSpan.FromHours(1)));

        Assert.Equal(
            "2026-01-29T09:42:31.120+01:00 backup ok app=boutique snapshot=3e7d4c4a added=1.20MiB processed=52.31MiB files=120 "
            + "duration=3.000s exit=0 repo=/srv/boutique/backups",
            LogLine.Format(run));
    }

    [Fact]
    public void Absent_fields_are_left_out_and_the_error_comes_last_quoted_on_one_line()
    {
        var run = JournalFolder.Run(FakeClock.At(2026, 1, 29), "config check", RunResults.Failed, "bad \"key\"\r\nsecond line\tend") with
        {
            Application = null, SnapshotId = null, BytesAdded = null, BytesProcessed = null, Files = null, Repository = "/srv/my backups",
        };

        Assert.Equal(
            "2026-01-29T12:00:00.000+02:00 config-check failed duration=3.000s exit=1 repo=\"/srv/my backups\" error=\"bad \\\"key\\\"  second line end\"",
            LogLine.Format(run));
    }

    [Fact]
    public void The_time_a_line_starts_with_reads_back()
    {
        var end = new DateTimeOffset(2026, 3, 1, 0, 0, 1, 5, TimeSpan.FromHours(-5));
        Assert.Equal(end, LogLine.ReadTime(LogLine.Format(JournalFolder.Run(end))));
        Assert.Null(LogLine.ReadTime("garbage at the start"));
        Assert.Null(LogLine.ReadTime(""));
    }
}
