using Coffre.Sources.Sqlite;

namespace Coffre.Tests.Sources.Sqlite;

/// <summary>SQLite comes from the system (Debian's libsqlite3.so.0) through Microsoft.Data.Sqlite: nothing native is shipped.</summary>
public sealed class SqliteLibraryTests : IDisposable
{
    private readonly ScratchFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void The_system_library_is_the_one_loaded()
    {
        string db = _dir.Child("probe.sqlite3");
        using (SqliteDatabase connection = SqliteDatabase.Open(db, readOnly: false, create: true))
        {
            connection.Execute("CREATE TABLE t (x); INSERT INTO t VALUES (?1)", 42L);
            Assert.Equal(42L, connection.Scalar("SELECT x FROM t"));
            Assert.Equal(SqliteDatabase.LibraryVersion, connection.Scalar("SELECT sqlite_version()"));
        }
        string[] maps = File.ReadAllLines("/proc/self/maps");
        // The loader maps the file the soname points to (libsqlite3.so.0.8.6 on Debian 12).
        Assert.Contains(maps, line => line.Contains("/" + SqliteLibrary.SystemLibrary, StringComparison.Ordinal));
        Assert.DoesNotContain(maps, line => line.Contains("e_sqlite3", StringComparison.Ordinal));
    }

    [Fact]
    public void No_native_sqlite_is_shipped_beside_the_engine()
    {
        string output = Path.GetDirectoryName(typeof(SqliteSource).Assembly.Location)!;
        Assert.True(File.Exists(Path.Combine(output, "Microsoft.Data.Sqlite.dll")));
        Assert.False(Directory.Exists(Path.Combine(output, "runtimes")), "a runtimes/ folder (native libraries) is shipped");
        Assert.Empty(Directory.GetFiles(output, "*.so*", SearchOption.AllDirectories));
    }

    [Fact]
    public void A_busy_database_gives_a_busy_error_not_a_hang()
    {
        string db = _dir.Child("busy.sqlite3");
        using SqliteDatabase holder = SqliteDatabase.Open(db, readOnly: false, create: true);
        holder.Execute("CREATE TABLE t (x); BEGIN EXCLUSIVE; INSERT INTO t VALUES (1)");
        using SqliteDatabase reader = SqliteDatabase.Open(db, readOnly: true, busyTimeoutMs: 100);
        var e = Assert.Throws<Microsoft.Data.Sqlite.SqliteException>(() => reader.Scalar("SELECT COUNT(*) FROM t"));
        Assert.Equal(5, e.SqliteErrorCode & 0xFF); // SQLITE_BUSY
        holder.Execute("COMMIT");
        Assert.Equal(1L, reader.Scalar("SELECT COUNT(*) FROM t"));
    }
}
