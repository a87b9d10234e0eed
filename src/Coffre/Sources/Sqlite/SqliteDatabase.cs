using System.Runtime.InteropServices;
using System.Text;
using static Coffre.Sources.Sqlite.SqliteNative;

namespace Coffre.Sources.Sqlite;

/// <summary>A SQLite call failed: <see cref="Code"/> is the primary result code, the message SQLite's own text.</summary>
internal sealed class SqliteNativeException : Exception
{
    public SqliteNativeException(int code, string message) : base(message) => Code = code;
    public SqliteNativeException() : this(SQLITE_ERROR, "sqlite failed") { }
    public SqliteNativeException(string message) : this(SQLITE_ERROR, message) { }
    public SqliteNativeException(string message, Exception inner) : base(message, inner) => Code = SQLITE_ERROR;

    /// <summary>The primary result code (extended codes masked to their low byte).</summary>
    public int Code { get; }

    public bool IsBusy => Code is SQLITE_BUSY or SQLITE_LOCKED;
}

/// <summary>
/// One <c>sqlite3*</c> connection over the system library: open, run SQL, prepare statements, close. Used by one
/// thread at a time (the library's default serialized mode would tolerate more).
/// </summary>
internal sealed class SqliteDatabase : IDisposable
{
    private IntPtr _db;

    private SqliteDatabase(IntPtr db) => _db = db;

    public IntPtr Handle => _db != IntPtr.Zero ? _db : throw new ObjectDisposedException(nameof(SqliteDatabase));

    /// <summary>The library's version (<c>sqlite3_libversion</c>), e.g. <c>3.40.1</c>.</summary>
    public static string LibraryVersion => Text(sqlite3_libversion());

    /// <summary>Opens a database file (a plain path, not a URI); throws <see cref="SqliteNativeException"/>.</summary>
    public static SqliteDatabase Open(string path, bool readOnly, bool create = false, int busyTimeoutMs = 1000)
    {
        int flags = readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0);
        int rc = sqlite3_open_v2(path, out IntPtr db, flags, IntPtr.Zero);
        if (rc != SQLITE_OK)
        {
            string message = db != IntPtr.Zero ? Text(sqlite3_errmsg(db)) : ErrorString(rc);
            if (db != IntPtr.Zero)
            {
                _ = sqlite3_close_v2(db);
            }
            throw new SqliteNativeException(rc & 0xFF, message);
        }
        _ = sqlite3_busy_timeout(db, busyTimeoutMs);
        return new SqliteDatabase(db);
    }

    public string ErrorMessage => Text(sqlite3_errmsg(Handle));

    /// <summary>True outside an explicit transaction (<c>sqlite3_get_autocommit</c>).</summary>
    public bool AutoCommit => sqlite3_get_autocommit(Handle) != 0;

    public SqliteNativeException Error(int rc) => new(rc & 0xFF, ErrorMessage);

    /// <summary>Runs one or more statements separated by <c>;</c>, each prepared after the previous one ran; rows are discarded.</summary>
    public void Execute(string sql) => ForEachStatement(sql, statement =>
    {
        while (statement.Step())
        {
        }
        return true;
    });

    /// <summary>Prepares exactly one statement.</summary>
    public SqliteStatement Prepare(string sql)
    {
        SqliteStatement? first = null;
        int count = 0;
        try
        {
            ForEachStatement(sql, statement =>
            {
                count++;
                if (count == 1)
                {
                    first = statement;
                    return false; // keep it
                }
                return true;
            });
        }
        catch
        {
            first?.Dispose();
            throw;
        }
        if (count == 1)
        {
            return first!;
        }
        first?.Dispose();
        throw new SqliteNativeException(SQLITE_ERROR, $"expected one SQL statement, got {count}");
    }

    /// <summary>The first column of the first row, or null when there is no row.</summary>
    public object? Scalar(string sql, params object?[] parameters)
    {
        using SqliteStatement statement = Prepare(sql);
        statement.Bind(parameters);
        return statement.Step() ? statement.Get(0) : null;
    }

    /// <summary>Every row, each as an array of column values.</summary>
    public List<object?[]> Query(string sql, params object?[] parameters)
    {
        using SqliteStatement statement = Prepare(sql);
        statement.Bind(parameters);
        var rows = new List<object?[]>();
        while (statement.Step())
        {
            rows.Add(statement.GetRow());
        }
        return rows;
    }

    /// <summary>Quotes an identifier for SQL: <c>"name"</c> with embedded double quotes doubled.</summary>
    public static string QuoteIdentifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>
    /// Prepares the statements of <paramref name="sql"/> one at a time (a statement may use what the previous one
    /// created) and hands each to <paramref name="use"/>, which returns whether to finalize it.
    /// </summary>
    private unsafe void ForEachStatement(string sql, Func<SqliteStatement, bool> use)
    {
        byte[] utf8 = Encoding.UTF8.GetBytes(sql);
        fixed (byte* start = utf8)
        {
            byte* p = start;
            byte* end = start + utf8.Length;
            while (p < end)
            {
                int rc = sqlite3_prepare_v2(Handle, p, (int)(end - p), out IntPtr handle, out IntPtr tail);
                if (rc != SQLITE_OK)
                {
                    throw Error(rc);
                }
                if (handle != IntPtr.Zero)
                {
                    var statement = new SqliteStatement(this, handle);
                    bool dispose = true;
                    try
                    {
                        dispose = use(statement);
                    }
                    finally
                    {
                        if (dispose)
                        {
                            statement.Dispose();
                        }
                    }
                }
                byte* next = (byte*)tail;
                if (next <= p)
                {
                    break;
                }
                p = next;
            }
        }
    }

    public void Dispose()
    {
        IntPtr db = _db;
        _db = IntPtr.Zero;
        if (db != IntPtr.Zero)
        {
            // close_v2 never fails on unfinalized statements: it defers the close until they are finalized.
            _ = sqlite3_close_v2(db);
        }
    }
}

/// <summary>One prepared statement (<c>sqlite3_stmt*</c>).</summary>
internal sealed class SqliteStatement : IDisposable
{
    private readonly SqliteDatabase _database;
    private IntPtr _statement;

    internal SqliteStatement(SqliteDatabase database, IntPtr statement)
    {
        _database = database;
        _statement = statement;
    }

    private IntPtr Handle => _statement != IntPtr.Zero ? _statement : throw new ObjectDisposedException(nameof(SqliteStatement));

    /// <summary>Binds parameters 1..n: null, long/int, double, string (UTF-8) or byte[] (blob).</summary>
    public unsafe void Bind(params object?[] values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            int index = i + 1;
            int rc;
            switch (values[i])
            {
                case null:
                    rc = sqlite3_bind_null(Handle, index);
                    break;
                case long l:
                    rc = sqlite3_bind_int64(Handle, index, l);
                    break;
                case int n:
                    rc = sqlite3_bind_int64(Handle, index, n);
                    break;
                case double d:
                    rc = sqlite3_bind_double(Handle, index, d);
                    break;
                case string s:
                    byte[] text = Encoding.UTF8.GetBytes(s);
                    fixed (byte* p = text)
                    {
                        // A non-null pointer even for "" so SQLite binds an empty string, not NULL.
                        byte empty = 0;
                        rc = sqlite3_bind_text(Handle, index, text.Length == 0 ? &empty : p, text.Length, Transient);
                    }
                    break;
                case byte[] blob:
                    fixed (byte* p = blob)
                    {
                        byte empty = 0;
                        rc = sqlite3_bind_blob(Handle, index, blob.Length == 0 ? &empty : p, blob.Length, Transient);
                    }
                    break;
                default:
                    throw new ArgumentException($"cannot bind a {values[i]!.GetType().Name}", nameof(values));
            }
            if (rc != SQLITE_OK)
            {
                throw _database.Error(rc);
            }
        }
    }

    /// <summary>Advances: true on a row, false when done; throws on any error (busy after the timeout included).</summary>
    public bool Step()
    {
        int rc = sqlite3_step(Handle);
        return rc switch
        {
            SQLITE_ROW => true,
            SQLITE_DONE => false,
            _ => throw _database.Error(rc),
        };
    }

    /// <summary>Resets the statement for another run with new bindings.</summary>
    public void Reset() => _ = sqlite3_reset(Handle);

    public int ColumnCount => sqlite3_column_count(Handle);

    /// <summary>A column of the current row: null, long, double, string or byte[].</summary>
    public object? Get(int column)
    {
        switch (sqlite3_column_type(Handle, column))
        {
            case SQLITE_INTEGER:
                return sqlite3_column_int64(Handle, column);
            case SQLITE_FLOAT:
                return sqlite3_column_double(Handle, column);
            case SQLITE_TEXT:
                {
                    IntPtr text = sqlite3_column_text(Handle, column);
                    int length = sqlite3_column_bytes(Handle, column);
                    return text == IntPtr.Zero ? "" : Marshal.PtrToStringUTF8(text, length);
                }
            case SQLITE_BLOB:
                {
                    IntPtr data = sqlite3_column_blob(Handle, column);
                    int length = sqlite3_column_bytes(Handle, column);
                    var bytes = new byte[length];
                    if (length > 0)
                    {
                        Marshal.Copy(data, bytes, 0, length);
                    }
                    return bytes;
                }
            default:
                return null;
        }
    }

    public object?[] GetRow()
    {
        var row = new object?[ColumnCount];
        for (int i = 0; i < row.Length; i++)
        {
            row[i] = Get(i);
        }
        return row;
    }

    public void Dispose()
    {
        IntPtr statement = _statement;
        _statement = IntPtr.Zero;
        if (statement != IntPtr.Zero)
        {
            _ = sqlite3_finalize(statement);
        }
    }
}
