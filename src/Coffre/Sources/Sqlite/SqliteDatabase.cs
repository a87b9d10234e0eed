using System.Globalization;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Coffre.Sources.Sqlite;

/// <summary>
/// One connection to a database file through Microsoft.Data.Sqlite (over the system library, see
/// <see cref="SqliteLibrary"/>): open, run SQL, read rows as plain values. Not pooled: closing it closes the file.
/// Used by one thread at a time. Errors are <see cref="SqliteException"/>s.
/// </summary>
internal sealed class SqliteDatabase : IDisposable
{
    private readonly SqliteConnection _connection;

    private SqliteDatabase(SqliteConnection connection) => _connection = connection;

    /// <summary>The native connection, for the online backup API (<c>sqlite3_backup_*</c>).</summary>
    public sqlite3 Handle => _connection.Handle ?? throw new ObjectDisposedException(nameof(SqliteDatabase));

    /// <summary>The library's version (<c>sqlite3_libversion</c>), e.g. <c>3.40.1</c>.</summary>
    public static string LibraryVersion => SqliteLibrary.Version;

    /// <summary>
    /// Opens a database file (a plain path, not a URI). A statement that finds the file locked waits up to
    /// <paramref name="busyTimeoutMs"/> in SQLite's busy handler, and Microsoft.Data.Sqlite retries it for at most
    /// the same time rounded up to a whole second, then throws a busy <see cref="SqliteException"/>.
    /// </summary>
    public static SqliteDatabase Open(string path, bool readOnly, bool create = false, int busyTimeoutMs = 1000)
    {
        SqliteLibrary.EnsureReady();
        var settings = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = readOnly ? SqliteOpenMode.ReadOnly : create ? SqliteOpenMode.ReadWriteCreate : SqliteOpenMode.ReadWrite,
            Pooling = false,
            DefaultTimeout = Math.Max(1, (busyTimeoutMs + 999) / 1000),
        };
        var connection = new SqliteConnection(settings.ConnectionString);
        try
        {
            connection.Open();
            int rc = raw.sqlite3_busy_timeout(connection.Handle, busyTimeoutMs);
            if (rc != raw.SQLITE_OK)
            {
                throw Error(connection.Handle!, rc);
            }
        }
        catch
        {
            connection.Dispose();
            throw;
        }
        return new SqliteDatabase(connection);
    }

    /// <summary>The connection's last error as an exception (<c>sqlite3_errmsg</c>), for a result code <paramref name="rc"/>.</summary>
    public SqliteException Error(int rc) => Error(Handle, rc);

    private static SqliteException Error(sqlite3 db, int rc) => new(raw.sqlite3_errmsg(db).utf8_to_string(), rc & 0xFF, rc);

    /// <summary>Runs one or more statements separated by <c>;</c>, each prepared after the previous one ran; rows are discarded.</summary>
    public void Execute(string sql, params object?[] parameters)
    {
        using SqliteCommand command = Command(sql, parameters);
        command.ExecuteNonQuery();
    }

    /// <summary>The first column of the first row, or null when there is no row (or it is NULL).</summary>
    public object? Scalar(string sql, params object?[] parameters)
    {
        using SqliteCommand command = Command(sql, parameters);
        object? value = command.ExecuteScalar();
        return value is DBNull ? null : value;
    }

    /// <summary>Every row, each as an array of column values: null, long, double, string or byte[].</summary>
    public List<object?[]> Query(string sql, params object?[] parameters)
    {
        using SqliteCommand command = Command(sql, parameters);
        using SqliteDataReader reader = command.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var row = new object?[reader.FieldCount];
            for (int i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>
    /// A command bound to <paramref name="parameters"/> as <c>?1</c>, <c>?2</c>, …: null, long/int, double, string or
    /// byte[]. The caller disposes it; it may be run again with new <see cref="SqliteParameter.Value"/>s.
    /// </summary>
    public SqliteCommand Command(string sql, params object?[] parameters)
    {
        SqliteCommand command = _connection.CreateCommand();
        command.CommandText = sql;
        for (int i = 0; i < parameters.Length; i++)
        {
            command.Parameters.AddWithValue("?" + (i + 1).ToString(CultureInfo.InvariantCulture), parameters[i] ?? DBNull.Value);
        }
        return command;
    }

    /// <summary>Quotes an identifier for SQL: <c>"name"</c> with embedded double quotes doubled.</summary>
    public static string QuoteIdentifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public void Dispose() => _connection.Dispose();
}
