using System.Text;
using Coffre.Configuration;

namespace Coffre.Jobs.Archives;

/// <summary>What a database file found in an old archive holds, and the extension Coffre gives it.</summary>
public sealed record DumpKind(string Engine, string Extension);

/// <summary>
/// Recognises a database dump from its first bytes (the old script named a pg_dump custom-format file
/// <c>.sql</c>, so the name cannot be trusted): <c>PGDMP</c> is a pg_dump archive (<c>postgresql</c>,
/// <c>.pgdump</c>); <c>SQLite format 3\0</c> a SQLite database (<c>.sqlite</c>); text with a mysqldump or
/// mariadb-dump header is MySQL/MariaDB SQL, other text PostgreSQL plain SQL (both <c>.sql</c>). Anything else
/// (binary) is <c>unknown</c> and keeps its extension.
/// </summary>
public static class DumpDetector
{
    /// <summary>How many bytes <see cref="Detect"/> wants to see (fewer when the file is shorter).</summary>
    public const int HeadSize = 4096;

    private static readonly string[] MySqlMarkers = ["-- MySQL dump", "-- MariaDB dump", "/*M!999999", "/*!40101 SET", "/*!40014 SET"];

    public static DumpKind Detect(ReadOnlySpan<byte> head, string originalExtension)
    {
        if (head.StartsWith("PGDMP"u8)) return new DumpKind(DatabaseEngines.PostgreSql, "pgdump");
        if (head.StartsWith("SQLite format 3\0"u8)) return new DumpKind(DatabaseEngines.Sqlite, "sqlite");
        if (head.Contains((byte)0)) return new DumpKind("unknown", originalExtension.Length > 0 ? originalExtension : "bin");
        var text = Encoding.UTF8.GetString(head);
        return MySqlMarkers.Any(m => text.Contains(m, StringComparison.Ordinal))
            ? new DumpKind(DatabaseEngines.MySql, "sql")
            : new DumpKind(DatabaseEngines.PostgreSql, "sql");
    }
}
