using System.Runtime.InteropServices;

namespace Coffre.Sources.Sqlite;

/// <summary>
/// Raw imports of the system SQLite (Debian's <c>libsqlite3.so.0</c>; no NuGet package, no native file shipped).
/// Strings (file names, SQL) are passed as UTF-8; <c>sqlite3*</c>, <c>sqlite3_stmt*</c> and
/// <c>sqlite3_backup*</c> are opaque pointers wrapped by <see cref="SqliteDatabase"/> and <see cref="SqliteStatement"/>.
/// </summary>
internal static partial class SqliteNative
{
    private const string Lib = "libsqlite3.so.0";

    public const int SQLITE_OK = 0;
    public const int SQLITE_ERROR = 1;
    public const int SQLITE_BUSY = 5;
    public const int SQLITE_LOCKED = 6;
    public const int SQLITE_NOMEM = 7;
    public const int SQLITE_READONLY = 8;
    public const int SQLITE_IOERR = 10;
    public const int SQLITE_CORRUPT = 11;
    public const int SQLITE_FULL = 13;
    public const int SQLITE_CANTOPEN = 14;
    public const int SQLITE_NOTADB = 26;
    public const int SQLITE_ROW = 100;
    public const int SQLITE_DONE = 101;

    public const int SQLITE_OPEN_READONLY = 0x00000001;
    public const int SQLITE_OPEN_READWRITE = 0x00000002;
    public const int SQLITE_OPEN_CREATE = 0x00000004;

    public const int SQLITE_INTEGER = 1;
    public const int SQLITE_FLOAT = 2;
    public const int SQLITE_TEXT = 3;
    public const int SQLITE_BLOB = 4;
    public const int SQLITE_NULL = 5;

    /// <summary>SQLITE_TRANSIENT: SQLite copies bound text/blobs before the call returns.</summary>
    public static readonly IntPtr Transient = new(-1);

    [LibraryImport(Lib, EntryPoint = "sqlite3_libversion")]
    public static partial IntPtr sqlite3_libversion();

    [LibraryImport(Lib, EntryPoint = "sqlite3_open_v2", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int sqlite3_open_v2(string filename, out IntPtr db, int flags, IntPtr vfs);

    [LibraryImport(Lib, EntryPoint = "sqlite3_close_v2")]
    public static partial int sqlite3_close_v2(IntPtr db);

    [LibraryImport(Lib, EntryPoint = "sqlite3_errmsg")]
    public static partial IntPtr sqlite3_errmsg(IntPtr db);

    [LibraryImport(Lib, EntryPoint = "sqlite3_errstr")]
    public static partial IntPtr sqlite3_errstr(int rc);

    [LibraryImport(Lib, EntryPoint = "sqlite3_busy_timeout")]
    public static partial int sqlite3_busy_timeout(IntPtr db, int milliseconds);

    [LibraryImport(Lib, EntryPoint = "sqlite3_get_autocommit")]
    public static partial int sqlite3_get_autocommit(IntPtr db);

    [LibraryImport(Lib, EntryPoint = "sqlite3_backup_init", StringMarshalling = StringMarshalling.Utf8)]
    public static partial IntPtr sqlite3_backup_init(IntPtr dest, string destName, IntPtr source, string sourceName);

    [LibraryImport(Lib, EntryPoint = "sqlite3_backup_step")]
    public static partial int sqlite3_backup_step(IntPtr backup, int pages);

    [LibraryImport(Lib, EntryPoint = "sqlite3_backup_remaining")]
    public static partial int sqlite3_backup_remaining(IntPtr backup);

    [LibraryImport(Lib, EntryPoint = "sqlite3_backup_pagecount")]
    public static partial int sqlite3_backup_pagecount(IntPtr backup);

    [LibraryImport(Lib, EntryPoint = "sqlite3_backup_finish")]
    public static partial int sqlite3_backup_finish(IntPtr backup);

    [LibraryImport(Lib, EntryPoint = "sqlite3_prepare_v2")]
    public static unsafe partial int sqlite3_prepare_v2(IntPtr db, byte* sql, int bytes, out IntPtr statement, out IntPtr tail);

    [LibraryImport(Lib, EntryPoint = "sqlite3_step")]
    public static partial int sqlite3_step(IntPtr statement);

    [LibraryImport(Lib, EntryPoint = "sqlite3_reset")]
    public static partial int sqlite3_reset(IntPtr statement);

    [LibraryImport(Lib, EntryPoint = "sqlite3_finalize")]
    public static partial int sqlite3_finalize(IntPtr statement);

    [LibraryImport(Lib, EntryPoint = "sqlite3_bind_null")]
    public static partial int sqlite3_bind_null(IntPtr statement, int index);

    [LibraryImport(Lib, EntryPoint = "sqlite3_bind_int64")]
    public static partial int sqlite3_bind_int64(IntPtr statement, int index, long value);

    [LibraryImport(Lib, EntryPoint = "sqlite3_bind_double")]
    public static partial int sqlite3_bind_double(IntPtr statement, int index, double value);

    [LibraryImport(Lib, EntryPoint = "sqlite3_bind_text")]
    public static unsafe partial int sqlite3_bind_text(IntPtr statement, int index, byte* text, int bytes, IntPtr destructor);

    [LibraryImport(Lib, EntryPoint = "sqlite3_bind_blob")]
    public static unsafe partial int sqlite3_bind_blob(IntPtr statement, int index, byte* data, int bytes, IntPtr destructor);

    [LibraryImport(Lib, EntryPoint = "sqlite3_column_count")]
    public static partial int sqlite3_column_count(IntPtr statement);

    [LibraryImport(Lib, EntryPoint = "sqlite3_column_type")]
    public static partial int sqlite3_column_type(IntPtr statement, int column);

    [LibraryImport(Lib, EntryPoint = "sqlite3_column_int64")]
    public static partial long sqlite3_column_int64(IntPtr statement, int column);

    [LibraryImport(Lib, EntryPoint = "sqlite3_column_double")]
    public static partial double sqlite3_column_double(IntPtr statement, int column);

    [LibraryImport(Lib, EntryPoint = "sqlite3_column_text")]
    public static partial IntPtr sqlite3_column_text(IntPtr statement, int column);

    [LibraryImport(Lib, EntryPoint = "sqlite3_column_blob")]
    public static partial IntPtr sqlite3_column_blob(IntPtr statement, int column);

    [LibraryImport(Lib, EntryPoint = "sqlite3_column_bytes")]
    public static partial int sqlite3_column_bytes(IntPtr statement, int column);

    /// <summary>A NUL-terminated UTF-8 string owned by SQLite, copied.</summary>
    public static string Text(IntPtr utf8) => Marshal.PtrToStringUTF8(utf8) ?? "";

    /// <summary>The English text for a result code (<c>sqlite3_errstr</c>).</summary>
    public static string ErrorString(int rc) => Text(sqlite3_errstr(rc));
}
