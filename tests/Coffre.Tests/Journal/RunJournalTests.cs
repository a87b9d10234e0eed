using Coffre.Journal;

namespace Coffre.Tests.Journal;

public class RunJournalTests
{
    [Fact]
    public void A_run_adds_a_line_to_backup_log_and_a_record_to_history_in_a_private_folder()
    {
        using var folder = new JournalFolder();
        var clock = new FakeClock(FakeClock.At(2026, 1, 29));
        var journal = new RunJournal(folder.Path, clock);

        journal.Append(JournalFolder.Run(clock.Now));
        journal.Append(JournalFolder.Run(clock.Now, "check", RunResults.Failed, "1 error(s) found"));

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(folder.Path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(journal.LogPath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(journal.HistoryPath));
        Assert.Equal(2, folder.Lines(LogPaths.LogFile).Length);
        Assert.EndsWith("error=\"1 error(s) found\"", folder.Lines(LogPaths.LogFile)[1]);
        Assert.Equal(["backup", "check"], journal.ReadHistory().Select(r => r.Operation));
    }

    [Fact]
    public void The_first_run_of_a_new_day_moves_the_previous_days_log_to_its_dated_name()
    {
        using var folder = new JournalFolder();
        var clock = new FakeClock(FakeClock.At(2026, 1, 29, 23, 50));
        var journal = new RunJournal(folder.Path, clock);
        journal.Append(JournalFolder.Run(clock.Now));
        journal.Append(JournalFolder.Run(clock.Now.AddMinutes(5)));

        // 00:10 local on the 30th is still the 29th in UTC: days are the machine's local days.
        clock.Now = FakeClock.At(2026, 1, 30, 0, 10);
        journal.Append(JournalFolder.Run(clock.Now, "check"));

        Assert.Equal(["backup-20260129.log", "backup.log", "history.jsonl"], folder.Names());
        Assert.Equal(2, folder.Lines("backup-20260129.log").Length);
        Assert.All(folder.Lines("backup-20260129.log"), l => Assert.StartsWith("2026-01-29T23:5", l));
        Assert.StartsWith("2026-01-30T00:10:00.000+02:00 check ok", Assert.Single(folder.Lines(LogPaths.LogFile)));
        Assert.Equal(3, journal.ReadHistory().Count); // the history is one file for all days
    }

    [Fact]
    public void Past_the_size_cap_the_log_rolls_to_numbered_parts_and_the_oldest_part_goes()
    {
        using var folder = new JournalFolder();
        var clock = new FakeClock(FakeClock.At(2026, 1, 29));
        var lineBytes = LogLine.Format(JournalFolder.Run(clock.Now)).Length + 1;
        var journal = new RunJournal(folder.Path, clock, new LogRolling { MaxBytes = lineBytes * 3, MaxParts = 2 });

        for (var i = 0; i < 11; i++) journal.Append(JournalFolder.Run(clock.Now.AddSeconds(i), "op" + i.ToString("00")));

        // 11 lines, 3 per file: op09-op10 in backup.log, op06-08 in .1, op03-05 in .2; op00-02 were in the part dropped.
        Assert.Equal(["backup.log", "backup.log.1", "backup.log.2", "history.jsonl"], folder.Names());
        Assert.Equal(["op09", "op10"], Operations(folder.Lines("backup.log")));
        Assert.Equal(["op06", "op07", "op08"], Operations(folder.Lines("backup.log.1")));
        Assert.Equal(["op03", "op04", "op05"], Operations(folder.Lines("backup.log.2")));
        Assert.All(new[] { "backup.log", "backup.log.1", "backup.log.2" }, f => Assert.True(new FileInfo(folder.File(f)).Length <= lineBytes * 3));
        Assert.Equal(11, journal.ReadHistory().Count);
    }

    [Fact]
    public void A_days_parts_move_with_it_and_day_files_older_than_the_kept_days_are_removed()
    {
        using var folder = new JournalFolder();
        var clock = new FakeClock(FakeClock.At(2026, 1, 1));
        var lineBytes = LogLine.Format(JournalFolder.Run(clock.Now)).Length + 1;
        var journal = new RunJournal(folder.Path, clock, new LogRolling { MaxBytes = lineBytes * 2, KeepDays = 30 });
        for (var day = 0; day < 40; day++)
        {
            clock.Now = FakeClock.At(2026, 1, 1).AddDays(day);
            for (var i = 0; i < 3; i++) journal.Append(JournalFolder.Run(clock.Now.AddMinutes(i)));
        }

        // Today (Feb 9) is backup.log (+ .1); the 30 days before it are kept (Jan 10 .. Feb 8), each with its part.
        var names = folder.Names();
        Assert.Contains("backup-20260110.log", names);
        Assert.Contains("backup-20260110.log.1", names);
        Assert.DoesNotContain("backup-20260109.log", names);
        Assert.DoesNotContain("backup-20260109.log.1", names);
        Assert.Equal(30, names.Count(n => n.StartsWith("backup-", StringComparison.Ordinal) && n.EndsWith(".log", StringComparison.Ordinal)));
        Assert.Equal(["backup.log", "backup.log.1"], names.Where(n => n.StartsWith("backup.log", StringComparison.Ordinal)));
        Assert.Equal(120, journal.ReadHistory().Count);
        // Two lines fill a part: the day's first two runs are in .1, its last in the day file itself.
        Assert.Equal(["12:00", "12:01"], folder.Lines("backup-20260208.log.1").Select(l => l[11..16]));
        Assert.Equal(["12:02"], folder.Lines("backup-20260208.log").Select(l => l[11..16]));
    }

    [Fact]
    public void When_the_clock_went_back_a_dated_file_is_never_replaced()
    {
        using var folder = new JournalFolder();
        var clock = new FakeClock(FakeClock.At(2026, 1, 29));
        var journal = new RunJournal(folder.Path, clock);
        journal.Append(JournalFolder.Run(clock.Now, "first"));
        clock.Now = FakeClock.At(2026, 1, 30);
        journal.Append(JournalFolder.Run(clock.Now, "second"));   // rolls the 29th
        clock.Now = FakeClock.At(2026, 1, 29, 13);                 // the clock is put back
        File.Delete(folder.File("backup.log"));
        journal.Append(JournalFolder.Run(clock.Now, "third"));
        clock.Now = FakeClock.At(2026, 1, 30, 13);
        journal.Append(JournalFolder.Run(clock.Now, "fourth"));    // rolls the 29th again

        Assert.Equal(["third"], Operations(folder.Lines("backup-20260129.log")));
        Assert.Equal(["first"], Operations(folder.Lines("backup-20260129.log.1")));
        Assert.Equal(["fourth"], Operations(folder.Lines("backup.log")));
    }

    [Fact]
    public void The_level_leaves_ok_runs_out_of_backup_log_but_never_out_of_the_history()
    {
        using var folder = new JournalFolder();
        var clock = new FakeClock(FakeClock.At(2026, 1, 29));
        var journal = new RunJournal(folder.Path, clock, level: "error");

        journal.Append(JournalFolder.Run(clock.Now, "backup"));
        journal.Append(JournalFolder.Run(clock.Now, "backup", RunResults.Incomplete, "1 path(s) could not be read"));
        journal.Append(JournalFolder.Run(clock.Now, "check", RunResults.Failed, "damaged"));

        Assert.Equal(["check"], Operations(folder.Lines(LogPaths.LogFile)));
        Assert.Equal(3, journal.ReadHistory().Count);
    }

    [Fact]
    public void The_history_rolls_once_past_its_cap_and_reads_back_oldest_first()
    {
        using var folder = new JournalFolder();
        var clock = new FakeClock(FakeClock.At(2026, 1, 29));
        var recordBytes = JournalFolder.Run(clock.Now, "op00").ToJson().Length + 1;
        var journal = new RunJournal(folder.Path, clock, new LogRolling { MaxHistoryBytes = recordBytes * 4 });

        for (var i = 0; i < 6; i++) journal.Append(JournalFolder.Run(clock.Now, "op" + i.ToString("00")));

        Assert.Equal(4, folder.Lines("history.jsonl.1").Length);
        Assert.Equal(2, folder.Lines("history.jsonl").Length);
        Assert.Equal(Enumerable.Range(0, 6).Select(i => "op" + i.ToString("00")), journal.ReadHistory().Select(r => r.Operation));
    }

    [Fact]
    public void A_torn_line_in_the_history_is_skipped()
    {
        using var folder = new JournalFolder();
        var clock = new FakeClock(FakeClock.At(2026, 1, 29));
        var journal = new RunJournal(folder.Path, clock);
        journal.Append(JournalFolder.Run(clock.Now, "first"));
        File.AppendAllText(journal.HistoryPath, "{\"operation\":\"backup\",\"sta\n");
        journal.Append(JournalFolder.Run(clock.Now, "second"));

        Assert.Equal(["first", "second"], journal.ReadHistory().Select(r => r.Operation));
    }

    [Fact]
    public void Journals_appending_at_once_while_rolling_lose_and_split_no_line()
    {
        using var folder = new JournalFolder();
        var clock = new FakeClock(FakeClock.At(2026, 1, 29));
        var lineBytes = LogLine.Format(JournalFolder.Run(clock.Now, "w0-000")).Length + 1;
        const int Writers = 6, Runs = 150;

        // One journal per writer: separate descriptors, as separate processes have.
        Parallel.For(0, Writers, new ParallelOptions { MaxDegreeOfParallelism = Writers }, w =>
        {
            var journal = new RunJournal(folder.Path, clock, new LogRolling { MaxBytes = lineBytes * 100, MaxParts = 50 });
            for (var i = 0; i < Runs; i++) journal.Append(JournalFolder.Run(clock.Now, $"w{w}-{i:000}"));
        });

        var lines = folder.Names().Where(n => n.StartsWith("backup.log", StringComparison.Ordinal)).SelectMany(folder.Lines).ToList();
        Assert.Equal(Writers * Runs, lines.Count);
        Assert.All(lines, l => Assert.Matches(@"^2026-01-29T12:00:00\.000\+02:00 w\d-\d{3} ok .* repo=/srv/boutique/backups$", l));
        Assert.Equal(Writers * Runs, Operations(lines).Distinct().Count());
        var history = new RunJournal(folder.Path, clock).ReadHistory();
        Assert.Equal(Writers * Runs, history.Select(r => r.Operation).Distinct().Count());
        Assert.Equal(Writers * Runs, folder.Lines(LogPaths.HistoryFile).Length);
    }

    private static List<string> Operations(IEnumerable<string> lines) => [.. lines.Select(l => l.Split(' ')[1])];
}
