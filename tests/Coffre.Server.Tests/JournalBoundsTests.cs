using System.Text;
using Coffre.Journal;

namespace Coffre.Server.Tests;

/// <summary>The journal pieces the service relies on: a sign-in journal that stays bounded, and a run history read once, then only what was appended.</summary>
public sealed class JournalBoundsTests : IDisposable
{
    private readonly string folder = Directory.CreateTempSubdirectory("coffre-journal-bounds-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private static RunRecord Run(string operation, int n, string? error = null) => new()
    {
        Operation = operation, Start = DateTimeOffset.UnixEpoch.AddSeconds(n), End = DateTimeOffset.UnixEpoch.AddSeconds(n + 1),
        Result = error is null ? RunResults.Ok : RunResults.Failed, ExitCode = error is null ? 0 : 1, Error = error, Checked = $"user {new string('u', 64)}… from 203.0.113.{n % 250}",
    };

    [Fact]
    public void The_sign_in_journal_never_takes_more_than_twice_its_limit_and_its_tail_is_the_newest_records()
    {
        var journal = new SignInJournal(folder);
        for (var i = 0; i < 10_000; i++) journal.Append(Run("login", i, "wrong user or password"));
        var current = new FileInfo(journal.FilePath).Length;
        var rolled = new FileInfo(journal.FilePath + ".1").Length;
        Assert.True(current <= SignInJournal.MaxBytes && rolled <= SignInJournal.MaxBytes, $"{current} and {rolled} bytes");
        Assert.Equal(Enumerable.Range(10_000 - 20, 20).Select(i => DateTimeOffset.UnixEpoch.AddSeconds(i)), journal.Recent(20).Select(r => r.Start));
        Assert.Throws<ArgumentException>(() => journal.Append(Run("login", 0, new string('e', SignInJournal.MaxRecordBytes))));
    }

    [Fact]
    public void The_history_reader_reads_what_was_appended_and_starts_again_after_a_roll()
    {
        var journal = new RunJournal(folder, TimeProvider.System, new LogRolling { MaxHistoryBytes = 16 << 10 });
        var reader = new RunHistoryReader(folder);
        Assert.Empty(reader.Read());
        for (var i = 0; i < 200; i++)
        {
            journal.Append(Run(i % 3 == 0 ? "backup" : "check", i));
            if (i % 7 == 0)
                Assert.Equal(journal.ReadHistory().Select(r => r.Start), reader.Read().Select(r => r.Start));
        }
        Assert.True(File.Exists(journal.HistoryPath + ".1")); // it rolled on the way
        Assert.Equal(journal.ReadHistory().Select(r => r.Start), reader.Read().Select(r => r.Start));

        // A line being written is read once it is whole.
        var next = Encoding.UTF8.GetBytes(Run("backup", 999).ToJson() + "\n");
        using (var f = new FileStream(journal.HistoryPath, FileMode.Append)) f.Write(next, 0, next.Length / 2);
        var before = reader.Read().Count;
        using (var f = new FileStream(journal.HistoryPath, FileMode.Append)) f.Write(next, next.Length / 2, next.Length - next.Length / 2);
        Assert.Equal(before + 1, reader.Read().Count);
        Assert.Equal(DateTimeOffset.UnixEpoch.AddSeconds(999), reader.Read()[^1].Start);
    }

    [Fact]
    public void The_history_reader_does_not_read_again_what_it_has_read()
    {
        var journal = new RunJournal(folder, TimeProvider.System);
        journal.Append(Run("backup", 1));
        var reader = new RunHistoryReader(folder);
        Assert.Equal("backup", Assert.Single(reader.Read()).Operation);
        // The bytes already read are changed in place (same length): the reader remembered them, it does not read them again.
        var text = File.ReadAllText(journal.HistoryPath).Replace("\"backup\"", "\"BACKUP\"", StringComparison.Ordinal);
        using (var f = new FileStream(journal.HistoryPath, FileMode.Open, FileAccess.Write)) f.Write(Encoding.UTF8.GetBytes(text));
        journal.Append(Run("check", 2));
        Assert.Equal(["backup", "check"], reader.Read().Select(r => r.Operation));
    }

    [Fact]
    public void The_history_reader_keeps_only_the_newest_runs_and_gives_the_same_list_until_one_is_appended()
    {
        var journal = new RunJournal(folder, TimeProvider.System);
        for (var i = 0; i < 2_500; i++) journal.Append(Run("backup", i));
        var reader = new RunHistoryReader(folder) { MaxRuns = 1_000 };
        var first = reader.Read();
        Assert.Equal(Enumerable.Range(1_500, 1_000).Select(i => DateTimeOffset.UnixEpoch.AddSeconds(i)), first.Select(r => r.Start));
        Assert.Same(first, reader.Read()); // nothing appended: nothing read, nothing copied
        Assert.Throws<NotSupportedException>(() => ((IList<RunRecord>)first).Add(Run("check", 0)));

        journal.Append(Run("check", 9_999));
        var second = reader.Read();
        Assert.NotSame(first, second);
        Assert.Equal(1_000, second.Count);
        Assert.Equal(DateTimeOffset.UnixEpoch.AddSeconds(1_501), second[0].Start);
        Assert.Equal("check", second[^1].Operation);

        // Truncated (an administrator emptied it): read again from the start.
        File.WriteAllText(journal.HistoryPath, "");
        journal.Append(Run("drill", 1));
        Assert.Equal(["drill"], reader.Read().Select(r => r.Operation));
    }
}
