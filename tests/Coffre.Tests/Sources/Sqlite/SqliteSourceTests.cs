using System.Diagnostics;
using System.Security.Cryptography;
using Coffre.Sources;
using Coffre.Sources.Sqlite;

namespace Coffre.Tests.Sources.Sqlite;

public sealed class SqliteSourceTests : IDisposable
{
    private const int Rows = 20_000;
    private readonly ScratchFolder _dir = new();
    private readonly ScratchFolder _staging = new();

    public void Dispose()
    {
        _dir.Dispose();
        _staging.Dispose();
    }

    private SqliteSource Source(string path, int pagesPerStep = 1024) => new("local", path, _staging.Path) { PagesPerStep = pagesPerStep };

    [Fact]
    public void Identity()
    {
        var source = new SqliteSource("local", "data/app.sqlite3");
        Assert.Equal("local", source.Name);
        Assert.Equal("sqlite", source.Engine);
        Assert.Equal("sqlite", source.Extension);
        Assert.Equal(Path.GetFullPath("data/app.sqlite3"), source.DatabasePath);
        Assert.Equal(Path.GetFullPath(Path.GetTempPath()), source.StagingFolder);
        Assert.Throws<ArgumentException>(() => new SqliteSource("local", ""));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task DumpIsConsistentWhileAWriterKeepsInserting(bool wal)
    {
        string db = _dir.Child("app.sqlite3");
        ShopData.Create(db, Rows, wal);
        long before = ShopData.Count(db);

        using var stop = new CancellationTokenSource();
        long inserted = 0;
        var started = new TaskCompletionSource();
        Task writer = Task.Run(() =>
        {
            using SqliteDatabase connection = SqliteDatabase.Open(db, readOnly: false, busyTimeoutMs: 10_000);
            long next = Rows + 1;
            while (!stop.IsCancellationRequested)
            {
                ShopData.InsertItems(connection, next, 5);
                next += 5;
                Interlocked.Add(ref inserted, 5);
                if (Interlocked.Read(ref inserted) >= 50)
                {
                    started.TrySetResult();
                }
            }
        });
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // Small steps: the copy spans many steps while the writer commits between them.
        string dumpFile = _dir.Child("dump.sqlite");
        long duringBefore = Interlocked.Read(ref inserted);
        SqliteSource source = Source(db, pagesPerStep: 8);
        await ShopData.DumpToFile(source, dumpFile);
        long duringAfter = Interlocked.Read(ref inserted);
        await Task.Delay(50);
        await stop.CancelAsync();
        await writer;
        long after = ShopData.Count(db);

        Assert.True(duringAfter > duringBefore, "the writer made no progress during the dump");
        SqliteBackupStats stats = source.LastBackup!.Value;
        Assert.Equal(wal, stats.Wal);
        if (wal)
        {
            // One pinned snapshot: step by step, never restarted, however much the writer commits.
            Assert.Equal(0, stats.Restarts);
            Assert.False(stats.FinishedInOneStep);
            Assert.True(stats.Steps >= stats.Pages / 8, $"{stats}");
        }
        else
        {
            // Commits between steps restart the copy; it must still end (in one step(-1) after a few restarts).
            Assert.True(stats.Restarts == 0 || stats.FinishedInOneStep, $"{stats}");
        }
        Assert.Equal("ok", ShopData.IntegrityCheck(dumpFile));
        long dumped = ShopData.CheckItems(dumpFile);
        Assert.InRange(dumped, before, after);
        Assert.Equal(3, ShopData.Count(dumpFile, "odd \"quoted\" name"));
        Assert.Empty(_staging.Entries());
    }

    [Fact]
    public async Task DescribeCountsEveryTableExactly()
    {
        string db = _dir.Child("app.sqlite3");
        ShopData.Create(db, Rows, wal: true);
        using (SqliteDatabase connection = SqliteDatabase.Open(db, readOnly: false))
        {
            connection.Execute("DELETE FROM items WHERE id % 1000 = 7");
        }

        DatabaseDescription description = await Source(db).DescribeAsync(CancellationToken.None);

        Assert.Equal(SqliteDatabase.LibraryVersion, description.ServerVersion);
        Assert.Matches(@"^3\.\d+\.\d+", description.ServerVersion);
        Assert.Equal(3, description.RowCounts.Count);
        Assert.Equal(Rows - 20, description.RowCounts["main.items"]);
        Assert.Equal(3, description.RowCounts["main.odd \"quoted\" name"]);
        Assert.Equal(0, description.RowCounts["main.empty_one"]);
    }

    [Fact]
    public async Task DumpLeavesTheSourceUntouched()
    {
        string db = _dir.Child("app.sqlite3");
        ShopData.Create(db, 500, wal: false);
        byte[] hash = SHA256.HashData(File.ReadAllBytes(db));
        DateTime modified = File.GetLastWriteTimeUtc(db);

        await ShopData.DumpToFile(Source(db), _dir.Child("dump.sqlite"));
        await Source(db).DescribeAsync(CancellationToken.None);

        Assert.Equal(hash, SHA256.HashData(File.ReadAllBytes(db)));
        Assert.Equal(modified, File.GetLastWriteTimeUtc(db));
        Assert.Equal(["app.sqlite3", "dump.sqlite"], _dir.Entries());
    }

    [Fact]
    public async Task TheTempFileIsPrivateAndGoneAfterDispose()
    {
        string db = _dir.Child("app.sqlite3");
        ShopData.Create(db, 100, wal: true);
        DumpStream dump = await Source(db).StartDumpAsync(CancellationToken.None);
        var content = Assert.IsType<FileStream>(dump.Content);
        string temp = content.Name;
        // In a private folder of its own (already gone too) under the staging folder.
        Assert.Equal(_staging.Path, Path.GetDirectoryName(Path.GetDirectoryName(temp)));
        Assert.StartsWith("coffre-dump-", Path.GetFileName(Path.GetDirectoryName(temp)), StringComparison.Ordinal);
        // Already unlinked (nothing left behind even if the process dies), still readable through the open stream.
        Assert.False(File.Exists(temp));
        Assert.Empty(_staging.Entries());
        var status = Coffre.Platform.Posix.Stat(Coffre.Platform.UnixPath.FromString($"/proc/self/fd/{content.SafeFileHandle.DangerousGetHandle()}"));
        Assert.Equal(0x180u, status.Permissions); // 0600
        byte[] header = new byte[16];
        await content.ReadExactlyAsync(header);
        Assert.Equal("SQLite format 3\0"u8.ToArray(), header);

        // A reader giving up early: dispose without reading to the end.
        await dump.DisposeAsync();
        Assert.Empty(_staging.Entries());
        Assert.False(File.Exists(temp));
    }

    [Fact]
    public async Task RestoreToANewPathGivesTheDump()
    {
        string db = _dir.Child("app.sqlite3");
        ShopData.Create(db, Rows, wal: true);
        string dumpFile = _dir.Child("dump.sqlite");
        await ShopData.DumpToFile(Source(db), dumpFile);

        string target = _dir.Child(Path.Combine("new", "deeper", "restored.db"));
        await using (FileStream dump = File.OpenRead(dumpFile))
        {
            await Source(db).RestoreAsync(dump, target, CancellationToken.None);
            Assert.Equal(dump.Length, dump.Position);
        }
        // Nothing but the database (read-only connections below may add -wal/-shm files of their own).
        Assert.Equal(["restored.db"], Directory.GetFileSystemEntries(Path.GetDirectoryName(target)!).Select(Path.GetFileName));

        Assert.Equal("ok", ShopData.IntegrityCheck(target));
        Assert.Equal(ShopData.Everything(dumpFile), ShopData.Everything(target));
        Assert.Equal(Rows, ShopData.CheckItems(target));
        Assert.Equal(0x180u, Coffre.Platform.Posix.Stat(Coffre.Platform.UnixPath.FromString(target)).Permissions);

        DatabaseDescription original = await Source(db).DescribeAsync(CancellationToken.None);
        DatabaseDescription restored = await Source(target).DescribeAsync(CancellationToken.None);
        Assert.Equal(original.RowCounts, restored.RowCounts);
    }

    [Fact]
    public async Task RestoreOverTheConfiguredPathReplacesItAtomically()
    {
        string db = _dir.Child("app.sqlite3");
        ShopData.Create(db, Rows, wal: true);
        string dumpFile = _dir.Child("dump.sqlite");
        await ShopData.DumpToFile(Source(db), dumpFile);
        List<string> expected = ShopData.Everything(dumpFile);

        // Damage the live database, and leave its WAL behind as an application killed mid-way would.
        File.SetUnixFileMode(db, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        SqliteDatabase app = SqliteDatabase.Open(db, readOnly: false);
        app.Execute("PRAGMA wal_autocheckpoint = 0; DROP TABLE \"odd \"\"quoted\"\" name\"; UPDATE items SET name = 'broken' WHERE id < 100");
        Assert.True(File.Exists(db + "-wal"));
        ulong oldInode = Coffre.Platform.Posix.Stat(Coffre.Platform.UnixPath.FromString(db)).Inode;
        string walCopy = _dir.Child("wal-copy");
        File.Copy(db + "-wal", walCopy);
        app.Dispose();
        File.Copy(walCopy, db + "-wal", overwrite: true); // a stale WAL that must not be replayed onto the dump
        File.Delete(walCopy);

        await using (FileStream dump = File.OpenRead(dumpFile))
        {
            await Source(db).RestoreAsync(dump, null, CancellationToken.None);
        }

        var status = Coffre.Platform.Posix.Stat(Coffre.Platform.UnixPath.FromString(db));
        Assert.NotEqual(oldInode, status.Inode); // renamed into place, not rewritten
        Assert.Equal(0x1A0u, status.Permissions); // 0640 kept
        Assert.False(File.Exists(db + "-wal"));
        Assert.Equal(expected, ShopData.Everything(db));
        Assert.Equal("ok", ShopData.IntegrityCheck(db));
        Assert.Equal(["app.sqlite3", "dump.sqlite"], _dir.Entries().Where(e => !e.EndsWith("-shm", StringComparison.Ordinal) && !e.EndsWith("-wal", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task RestoreOfABadDumpLeavesTheDestinationUntouched()
    {
        string db = _dir.Child("app.sqlite3");
        ShopData.Create(db, 300, wal: false);
        byte[] hash = SHA256.HashData(File.ReadAllBytes(db));

        var notADatabase = new MemoryStream(new byte[64 * 1024].Select((_, i) => (byte)('a' + (i % 26))).ToArray());
        var e = await Assert.ThrowsAsync<SourceException>(() => Source(db).RestoreAsync(notADatabase, null, CancellationToken.None));
        Assert.Contains("not a SQLite database", e.Message, StringComparison.Ordinal);

        // A truncated dump: a real header, pages missing.
        string dumpFile = _dir.Child("dump.sqlite");
        await ShopData.DumpToFile(Source(db), dumpFile);
        byte[] truncated = File.ReadAllBytes(dumpFile)[..(4096 * 3)];
        e = await Assert.ThrowsAsync<SourceException>(() => Source(db).RestoreAsync(new MemoryStream(truncated), null, CancellationToken.None));
        Assert.Contains("dump to restore", e.Message, StringComparison.Ordinal);

        e = await Assert.ThrowsAsync<SourceException>(() => Source(db).RestoreAsync(new MemoryStream(), null, CancellationToken.None));
        Assert.Contains("empty", e.Message, StringComparison.Ordinal);

        Assert.Equal(hash, SHA256.HashData(File.ReadAllBytes(db)));
        Assert.Equal(["app.sqlite3", "dump.sqlite"], _dir.Entries());
    }

    [Fact]
    public async Task MissingFileFailsTheDumpWithAClearMessage()
    {
        string missing = _dir.Child("nope.sqlite3");
        await using DumpStream dump = await Source(missing).StartDumpAsync(CancellationToken.None);
        Assert.Equal(0, await dump.Content.ReadAsync(new byte[10]));
        var e = await Assert.ThrowsAsync<SourceException>(() => dump.CompleteAsync(CancellationToken.None));
        Assert.Contains("'local'", e.Message, StringComparison.Ordinal);
        Assert.Contains($"{missing} not found", e.Message, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Fatal, e.ExitCode);
        Assert.Empty(_staging.Entries());
        Assert.False(File.Exists(missing));

        var d = await Assert.ThrowsAsync<SourceException>(() => Source(missing).DescribeAsync(CancellationToken.None));
        Assert.Contains("not found", d.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(missing));
    }

    [Fact]
    public async Task AFileThatIsNotADatabaseFailsTheDump()
    {
        string text = _dir.Child("notes.sqlite3");
        await File.WriteAllTextAsync(text, string.Concat(Enumerable.Repeat("this is not a database, just words\n", 500)));
        var e = await Assert.ThrowsAsync<SourceException>(() => ShopData.DumpToFile(Source(text), _dir.Child("dump")));
        Assert.Contains("is not a SQLite database", e.Message, StringComparison.Ordinal);
        Assert.Empty(_staging.Entries());

        var d = await Assert.ThrowsAsync<SourceException>(() => Source(text).DescribeAsync(CancellationToken.None));
        Assert.Contains("is not a SQLite database", d.Message, StringComparison.Ordinal);

        string empty = _dir.Child("empty.sqlite3");
        await File.WriteAllBytesAsync(empty, []);
        e = await Assert.ThrowsAsync<SourceException>(() => ShopData.DumpToFile(Source(empty), _dir.Child("dump2")));
        Assert.Contains("is empty", e.Message, StringComparison.Ordinal);

        e = await Assert.ThrowsAsync<SourceException>(() => ShopData.DumpToFile(Source(_dir.Path), _dir.Child("dump3")));
        Assert.Contains("is a directory", e.Message, StringComparison.Ordinal);
        Assert.Empty(_staging.Entries());
    }

    [Fact]
    public async Task ADatabaseLockedTooLongFailsTheDump()
    {
        string db = _dir.Child("app.sqlite3");
        ShopData.Create(db, 100, wal: false);
        using SqliteDatabase holder = SqliteDatabase.Open(db, readOnly: false);
        holder.Execute("BEGIN EXCLUSIVE; DELETE FROM items WHERE id = 1");

        var clock = Stopwatch.StartNew();
        var source = new SqliteSource("local", db, _staging.Path) { LockTimeout = TimeSpan.FromMilliseconds(600) };
        var e = await Assert.ThrowsAsync<SourceException>(() => ShopData.DumpToFile(source, _dir.Child("dump")));
        Assert.Contains("locked", e.Message, StringComparison.Ordinal);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(20));
        Assert.Empty(_staging.Entries());

        holder.Execute("ROLLBACK");
        await ShopData.DumpToFile(source, _dir.Child("dump"));
        Assert.Equal(100, ShopData.CheckItems(_dir.Child("dump")));
    }

    [Fact]
    public async Task CancellationStopsTheDumpAndCleansUp()
    {
        string db = _dir.Child("app.sqlite3");
        ShopData.Create(db, 2000, wal: true);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Source(db).StartDumpAsync(cancelled.Token));
        Assert.Empty(_staging.Entries());
    }

    [Fact]
    public async Task TheBundledSampleApplicationDumpsAndRestores()
    {
        string root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Coffre.slnx")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("repository root not found");
        }
        string sample = Path.Combine(root, "samples", "app", "data", "app.sqlite3");
        var source = new SqliteSource("shop", sample, _staging.Path);

        DatabaseDescription description = await source.DescribeAsync(CancellationToken.None);
        Assert.Equal(20, description.RowCounts["main.products"]);
        Assert.Equal(40, description.RowCounts["main.customers"]);
        Assert.Equal(60, description.RowCounts["main.orders"]);
        Assert.InRange(description.RowCounts.Values.Sum(), 150, 300);

        string dumpFile = _dir.Child("shop.sqlite");
        await ShopData.DumpToFile(source, dumpFile);
        string target = _dir.Child("restored.sqlite3");
        await using (FileStream dump = File.OpenRead(dumpFile))
        {
            await source.RestoreAsync(dump, target, CancellationToken.None);
        }
        Assert.Equal(ShopData.Everything(sample), ShopData.Everything(target));
        Assert.Equal(description.RowCounts, (await new SqliteSource("copy", target).DescribeAsync(CancellationToken.None)).RowCounts);
    }
}
