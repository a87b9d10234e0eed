namespace Coffre.Sources;

/// <summary>
/// One database an application backup dumps and restores. Contract for every engine (PostgreSQL, MySQL/MariaDB,
/// SQLite):
/// <list type="bullet">
/// <item>The dump is a stream read once, start to end, straight into the repository (no temp copy on disk where the
/// engine allows it). Its producer's exit code and error output are checked by <see cref="DumpStream.CompleteAsync"/>
/// after the stream ends: a dump that fails or produces nothing throws <see cref="SourceException"/> and the
/// backup must not be recorded as complete.</item>
/// <item>Secrets (passwords) are passed to the tools through the environment or a 0600 file, never argv.</item>
/// <item>A source never changes the database it dumps.</item>
/// </list>
/// </summary>
public interface IDatabaseSource
{
    /// <summary>The name in the configuration (also the dump's file name: <c>database/&lt;name&gt;.&lt;extension&gt;</c>).</summary>
    string Name { get; }

    /// <summary><c>postgresql</c>, <c>mysql</c> or <c>sqlite</c>.</summary>
    string Engine { get; }

    /// <summary>The dump's file extension: <c>pgdump</c>, <c>sql</c> or <c>sqlite</c>.</summary>
    string Extension { get; }

    /// <summary>Server version and per-table row counts, for metadata.json and post-restore verification.</summary>
    Task<DatabaseDescription> DescribeAsync(CancellationToken ct);

    /// <summary>
    /// Whether the database exists (a restore may target one that was dropped or never created). False only when the
    /// server says so; an unreachable server or refused credentials throw <see cref="SourceException"/>.
    /// </summary>
    Task<bool> ExistsAsync(CancellationToken ct);

    /// <summary>Starts a consistent dump. Extra files (e.g. PostgreSQL roles) come as <see cref="DumpStream.Extras"/>.</summary>
    Task<DumpStream> StartDumpAsync(CancellationToken ct);

    /// <summary>
    /// Restores a dump into the configured database, or into <paramref name="targetDatabase"/> (created when missing)
    /// when given. Reads <paramref name="dump"/> to the end; throws <see cref="SourceException"/> on failure.
    /// </summary>
    Task RestoreAsync(Stream dump, string? targetDatabase, CancellationToken ct);

    /// <summary>
    /// Drops the configured database (a SQLite file: deletes it and its -wal/-shm files); nothing when it does not
    /// exist. Only for scratch databases a drill created: never called on the application's own database.
    /// </summary>
    Task DropAsync(CancellationToken ct);
}

/// <summary>A database's version and the exact row count of each table (schema-qualified name → rows).</summary>
public sealed record DatabaseDescription(string ServerVersion, IReadOnlyDictionary<string, long> RowCounts);

/// <summary>
/// A running dump: read <see cref="Content"/> to its end, then await <see cref="CompleteAsync"/>, which throws when
/// the dump failed. Dispose stops the producer if the reader gave up.
/// </summary>
public abstract class DumpStream : IAsyncDisposable
{
    public abstract Stream Content { get; }

    /// <summary>Small extra files that belong with the dump (name relative to <c>database/</c> → bytes).</summary>
    public virtual IReadOnlyDictionary<string, byte[]> Extras => new Dictionary<string, byte[]>();

    public abstract Task CompleteAsync(CancellationToken ct);

    public abstract ValueTask DisposeAsync();
}

/// <summary>A source failed (server down, wrong credentials, dump tool missing or failing): the message names the cause.</summary>
public sealed class SourceException : CoffreException
{
    public SourceException(string message) : base(message, ExitCodes.Fatal) { }
    public SourceException(string message, Exception inner) : base(message, ExitCodes.Fatal, inner) { }
    public SourceException() : base("a backup source failed") { }
}
