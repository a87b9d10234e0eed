using System.Diagnostics;
using System.Globalization;
using Coffre.Platform;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using static SQLitePCL.raw;

namespace Coffre.Sources.Sqlite;

/// <summary>
/// A SQLite database file, dumped with the online backup API of the system library (<c>libsqlite3.so.0</c>, reached
/// through Microsoft.Data.Sqlite and SQLitePCLRaw: <see cref="SqliteLibrary"/>) so that
/// the copy is consistent while the application keeps writing, WAL mode included:
/// <list type="bullet">
/// <item>WAL databases: the source connection holds one read transaction (a snapshot) for the whole copy and
/// <c>sqlite3_backup_step</c> copies <see cref="PagesPerStep"/> pages at a time from it. Writers are never blocked
/// (they append to the WAL; checkpoints just cannot pass the snapshot until the copy ends) and the backup never
/// restarts.</item>
/// <item>Rollback-journal databases: the read lock is released between steps so writers can commit. A commit by
/// another connection restarts the copy; after <see cref="MaxRestarts"/> restarts the rest is copied in one
/// <c>step(-1)</c>, which holds the read lock until done, so the dump always terminates.</item>
/// <item>Busy/locked sources are retried with short sleeps until <see cref="LockTimeout"/>.</item>
/// </list>
/// The source is opened read-only (<c>SQLITE_OPEN_READONLY</c>): a dump never changes it.
/// </summary>
/// <param name="name">The name in the configuration (the dump is <c>database/&lt;name&gt;.sqlite</c>).</param>
/// <param name="databasePath">The database file; a relative path is resolved against the current folder now.</param>
/// <param name="stagingFolder">Where each dump's private staging folder is made (default: the system temp folder,
/// <c>$TMPDIR</c>); never a repository's folder: the staged copy is plaintext.</param>
public sealed class SqliteSource(string name, string databasePath, string? stagingFolder = null) : IDatabaseSource
{
    private readonly string _path = Path.GetFullPath(NotEmpty(databasePath, nameof(databasePath)));
    private readonly string _staging = Path.GetFullPath(stagingFolder ?? Path.GetTempPath());

    public string Name { get; } = NotEmpty(name, nameof(name));

    public string Engine => "sqlite";

    public string Extension => "sqlite";

    /// <summary>The database file (absolute).</summary>
    public string DatabasePath => _path;

    /// <summary>The folder under which each dump's private folder (<see cref="SqliteStaging"/>) holds its copy while it is read.</summary>
    public string StagingFolder => _staging;

    /// <summary>How long a source locked by the application may delay the dump before it fails.</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Pages copied per <c>sqlite3_backup_step</c> (1024 pages = 4 MiB with the default page size).</summary>
    public int PagesPerStep { get; init; } = 1024;

    /// <summary>Restarts (rollback-journal mode, source written during the copy) before the copy is finished in one step.</summary>
    public int MaxRestarts { get; init; } = 3;

    /// <summary>How the last successful dump went (for tests and diagnostics).</summary>
    internal SqliteBackupStats? LastBackup { get; private set; }

    public Task<DatabaseDescription> DescribeAsync(CancellationToken ct) => Task.Run(() => Describe(ct), ct);

    public async Task<DumpStream> StartDumpAsync(CancellationToken ct)
    {
        // SQLite needs a file here: the backup API writes into another *database* (a sqlite3 connection with its own
        // pager, page size and locking), never into a stream. So the copy goes to a private (0600) temp file in a
        // private (0700) folder of its own outside the repository (SqliteStaging), which is then read once, start to
        // end, and removed.
        string folder;
        try
        {
            folder = SqliteStaging.CreateFolder(_staging);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new SqliteDumpStream(Stream.Null, Fail($"cannot make a private staging folder in {_staging}: {e.Message} (set TMPDIR to a writable folder)", e));
        }
        string temp = Path.Combine(folder, "dump.sqlite");
        try
        {
            await Task.Run(() => Backup(temp, ct), ct).ConfigureAwait(false);
            var content = new FileStream(temp, new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = FileAccess.Read,
                Share = FileShare.None,
                Options = FileOptions.SequentialScan | FileOptions.DeleteOnClose,
            });
            // DeleteOnClose removes the file when the DumpStream is disposed; unlinking it right away (the open
            // descriptor keeps the data readable on Linux) also leaves nothing behind if the process dies mid-upload.
            DeleteQuietly(temp);
            return new SqliteDumpStream(content, null);
        }
        catch (SourceException e)
        {
            DeleteWithSidecars(temp);
            return new SqliteDumpStream(Stream.Null, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            DeleteWithSidecars(temp);
            return new SqliteDumpStream(Stream.Null, Fail($"cannot write the dump to the staging folder {_staging}: {e.Message}", e));
        }
        catch
        {
            DeleteWithSidecars(temp);
            throw;
        }
        finally
        {
            DeleteFolderQuietly(folder);
        }
    }

    private static void DeleteFolderQuietly(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    public Task<bool> ExistsAsync(CancellationToken ct) => Task.FromResult(File.Exists(_path));

    public Task DropAsync(CancellationToken ct)
    {
        foreach (var suffix in new[] { "", "-wal", "-shm", "-journal" }) File.Delete(_path + suffix);
        return Task.CompletedTask;
    }

    public async Task RestoreAsync(Stream dump, string? targetDatabase, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(dump);
        string destination = Path.GetFullPath(targetDatabase ?? _path);
        string folder = Path.GetDirectoryName(destination) ?? "/";
        string temp = Path.Combine(folder, $".{Path.GetFileName(destination)}.coffre-restore-{Guid.NewGuid():N}");
        bool renamed = false;
        try
        {
            if (Directory.Exists(destination))
            {
                throw Fail($"cannot restore to {destination}: it is a directory");
            }
            Directory.CreateDirectory(folder);
            FileStatus? existing = File.Exists(destination) ? Posix.Stat(UnixPath.FromString(destination)) : null;
            UnixFileMode mode = existing is { } s ? (UnixFileMode)(s.Permissions & 0x1FF) : UnixFileMode.UserRead | UnixFileMode.UserWrite;

            // 1. The dump goes to a temp file next to the destination (same file system, so the final rename is atomic).
            var output = new FileStream(temp, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
                UnixCreateMode = mode | UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
            await using (output.ConfigureAwait(false))
            {
                await dump.CopyToAsync(output, 1 << 20, ct).ConfigureAwait(false);
                output.Flush(flushToDisk: true);
                if (output.Length == 0)
                {
                    throw Fail("the dump to restore is empty");
                }
            }

            // 2. It must be a sound SQLite database before it may replace anything.
            await Task.Run(() => Verify(temp), ct).ConfigureAwait(false);
            DeleteSidecars(temp);
            if (existing is { } old && (old.Uid != 0 || old.Gid != 0))
            {
                TryChown(temp, old.Uid, old.Gid);
            }
            ct.ThrowIfCancellationRequested();

            // 3. Stale -wal/-shm/-journal files of the old database would be replayed onto the new one: remove them
            //    first (at worst the old database loses its last uncheckpointed commits), then rename(2) over it.
            DeleteSidecars(destination);
            Posix.Rename(UnixPath.FromString(temp), UnixPath.FromString(destination));
            renamed = true;
            DeleteSidecars(destination);
            Posix.FsyncDirectory(UnixPath.FromString(folder));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Fail($"cannot restore to {destination}: {e.Message}", e);
        }
        finally
        {
            if (!renamed)
            {
                DeleteWithSidecars(temp);
            }
        }
    }

    private DatabaseDescription Describe(CancellationToken ct)
    {
        CheckSourceFile();
        try
        {
            using SqliteDatabase db = SqliteDatabase.Open(_path, readOnly: true, busyTimeoutMs: (int)LockTimeout.TotalMilliseconds);
            // One read transaction: every count comes from the same snapshot.
            db.Execute("BEGIN");
            string version = db.Scalar("SELECT sqlite_version()") as string ?? SqliteDatabase.LibraryVersion;
            List<object?[]> tables = db.Query(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
                + "AND coalesce(sql, '') NOT LIKE 'CREATE VIRTUAL%' ORDER BY name");
            var counts = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (object?[] row in tables)
            {
                ct.ThrowIfCancellationRequested();
                string table = (string)row[0]!;
                long count = (long)db.Scalar($"SELECT COUNT(*) FROM main.{SqliteDatabase.QuoteIdentifier(table)}")!;
                counts["main." + table] = count;
            }
            db.Execute("COMMIT");
            return new DatabaseDescription(version, counts);
        }
        catch (SqliteException e)
        {
            throw Explain(e);
        }
    }

    /// <summary>The incremental online backup into <paramref name="temp"/> (a fresh 0600 file).</summary>
    private void Backup(string temp, CancellationToken ct)
    {
        CheckSourceFile();
        using (new FileStream(temp, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.ReadWrite,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        {
        }

        var clock = Stopwatch.StartNew();
        try
        {
            using SqliteDatabase source = SqliteDatabase.Open(_path, readOnly: true, busyTimeoutMs: 200);
            using SqliteDatabase target = SqliteDatabase.Open(temp, readOnly: false, busyTimeoutMs: 200);
            // A throwaway file: no journal, no fsync while copying (it is read back through the page cache).
            target.Execute("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF");

            // Also where "not a database" shows up: the first read of the header.
            string journalMode = (RetryWhileBusy(() => source.Scalar("PRAGMA journal_mode"), clock, ct) as string ?? "").ToUpperInvariant();
            bool wal = journalMode == "WAL";
            if (wal)
            {
                // Pin one snapshot for the whole copy: backup_step reuses an open read transaction of its source.
                source.Execute("BEGIN");
                RetryWhileBusy(() => source.Scalar("SELECT COUNT(*) FROM sqlite_master"), clock, ct);
            }

            // Coffre's own step loop, not SqliteConnection.BackupDatabase: that one copies in a single step, holding
            // the source's read lock (rollback journal: blocking the application's writers) until the end.
            using sqlite3_backup? backup = sqlite3_backup_init(target.Handle, "main", source.Handle, "main");
            if (backup is null || backup.IsInvalid)
            {
                throw target.Error(SQLITE_ERROR);
            }
            int rc = SQLITE_ERROR;
            try
            {
                rc = CopyPages(backup, wal, clock, ct, out SqliteBackupStats stats);
                if (rc == SQLITE_OK)
                {
                    LastBackup = stats;
                }
            }
            finally
            {
                // finish also reports an error of the last step (and sets the target's error message).
                int finish = sqlite3_backup_finish(backup);
                if (rc == SQLITE_OK)
                {
                    rc = finish;
                }
            }
            if (rc != SQLITE_OK)
            {
                throw target.Error(rc);
            }
            if (wal)
            {
                source.Execute("COMMIT");
            }
        }
        catch (SqliteException e)
        {
            throw Explain(e);
        }
        finally
        {
            DeleteSidecars(temp);
        }
        if (new FileInfo(temp).Length == 0)
        {
            throw Fail($"{_path} holds no data: the dump is empty");
        }
    }

    /// <summary>Runs <c>sqlite3_backup_step</c> until DONE; returns SQLITE_OK or throws.</summary>
    private int CopyPages(sqlite3_backup backup, bool wal, Stopwatch clock, CancellationToken ct, out SqliteBackupStats stats)
    {
        stats = default;
        int pages = Math.Max(1, PagesPerStep);
        int restarts = 0;
        long steps = 0;
        int copiedBefore = 0;
        TimeSpan lastProgress = clock.Elapsed;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            int rc = sqlite3_backup_step(backup, pages);
            switch (rc)
            {
                case SQLITE_DONE:
                    stats = new SqliteBackupStats(wal, steps + 1, restarts, pages == -1, sqlite3_backup_pagecount(backup));
                    return SQLITE_OK;
                case SQLITE_OK:
                    {
                        int total = sqlite3_backup_pagecount(backup);
                        int copied = total - sqlite3_backup_remaining(backup);
                        steps++;
                        // A successful step always moves forward unless another connection wrote to the source since
                        // the last one and SQLite started over. Restarts, or far more steps than the pages need, end
                        // in one step(-1) that holds the read lock until the copy is complete: the dump terminates.
                        if (copied <= copiedBefore)
                        {
                            restarts++;
                        }
                        if (restarts >= MaxRestarts || steps > 2L * (total / pages + 1) + 16)
                        {
                            pages = -1;
                        }
                        copiedBefore = copied;
                        lastProgress = clock.Elapsed;
                        if (!wal)
                        {
                            // Rollback-journal mode: the read lock is released between steps; let writers commit.
                            Thread.Sleep(1);
                        }
                        break;
                    }
                case SQLITE_BUSY:
                case SQLITE_LOCKED:
                    if (clock.Elapsed - lastProgress > LockTimeout)
                    {
                        throw new SqliteException(SqliteLibrary.ErrorString(rc), rc);
                    }
                    Thread.Sleep(50);
                    break;
                default:
                    return rc;
            }
        }
    }

    private T RetryWhileBusy<T>(Func<T> action, Stopwatch clock, CancellationToken ct)
    {
        TimeSpan start = clock.Elapsed;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                return action();
            }
            catch (SqliteException e) when (IsBusy(e) && clock.Elapsed - start <= LockTimeout)
            {
                Thread.Sleep(50);
            }
        }
    }

    private void Verify(string file)
    {
        try
        {
            using SqliteDatabase db = SqliteDatabase.Open(file, readOnly: false, busyTimeoutMs: 1000);
            List<object?[]> rows = db.Query("PRAGMA integrity_check");
            if (rows.Count == 1 && rows[0][0] as string == "ok")
            {
                return;
            }
            string problems = string.Join("; ", rows.Take(5).Select(r => r[0]?.ToString()));
            throw Fail($"the dump to restore is a damaged SQLite database (integrity_check: {problems})");
        }
        catch (SqliteException e)
        {
            string cause = Code(e) switch
            {
                SQLITE_NOTADB => "it is not a SQLite database",
                SQLITE_CORRUPT => "it is a damaged SQLite database",
                _ => e.Message,
            };
            throw Fail($"the dump to restore is not valid: {cause} ({e.Message})", e);
        }
    }

    private void CheckSourceFile()
    {
        if (Directory.Exists(_path))
        {
            throw Fail($"{_path} is a directory, not a SQLite database file");
        }
        if (!File.Exists(_path))
        {
            throw Fail($"database file {_path} not found");
        }
        if (new FileInfo(_path).Length == 0)
        {
            throw Fail($"{_path} is empty: not a SQLite database");
        }
    }

    /// <summary>The primary result code (an extended code masked to its low byte).</summary>
    private static int Code(SqliteException e) => e.SqliteErrorCode & 0xFF;

    private static bool IsBusy(SqliteException e) => Code(e) is SQLITE_BUSY or SQLITE_LOCKED;

    private SourceException Explain(SqliteException e)
    {
        string cause = Code(e) switch
        {
            SQLITE_NOTADB => $"{_path} is not a SQLite database",
            SQLITE_CORRUPT => $"{_path} is damaged",
            SQLITE_BUSY or SQLITE_LOCKED => $"{_path} stayed locked by another connection for more than "
                + $"{LockTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s",
            SQLITE_CANTOPEN => $"cannot open {_path} (permissions? a WAL database also needs its -shm file or a writable folder)",
            SQLITE_FULL => $"the staging folder {_staging} is full",
            _ => $"{_path}: sqlite error {Code(e)}",
        };
        return Fail($"{cause} ({e.Message})", e);
    }

    private SourceException Fail(string message, Exception? inner = null)
        => inner is null ? new($"sqlite database '{Name}': {message}") : new($"sqlite database '{Name}': {message}", inner);

    private static readonly string[] Sidecars = ["-journal", "-wal", "-shm"];

    private static void DeleteSidecars(string database)
    {
        foreach (string suffix in Sidecars)
        {
            DeleteQuietly(database + suffix);
        }
    }

    private static void DeleteWithSidecars(string database)
    {
        DeleteQuietly(database);
        DeleteSidecars(database);
    }

    private static void DeleteQuietly(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    private static void TryChown(string path, uint uid, uint gid)
    {
        try
        {
            Posix.LChown(UnixPath.FromString(path), uid, gid);
        }
        catch (PosixException)
        {
            // Not root: the restored file keeps our ownership (the same user in the usual case).
        }
    }

    private static string NotEmpty(string value, string parameter)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value, parameter);
        return value;
    }

    private sealed class SqliteDumpStream(Stream content, SourceException? failure) : DumpStream
    {
        public override Stream Content => content;

        public override Task CompleteAsync(CancellationToken ct) => failure is null ? Task.CompletedTask : Task.FromException(failure);

        public override ValueTask DisposeAsync() => content.DisposeAsync();
    }
}

/// <summary>One dump's copy: journal mode, backup steps, restarts seen, whether it ended in one step(-1), pages.</summary>
internal readonly record struct SqliteBackupStats(bool Wal, long Steps, int Restarts, bool FinishedInOneStep, int Pages);
