using System.Security.Cryptography;
using System.Text;
using Coffre.Sources;
using Coffre.Sources.Sqlite;

namespace Coffre.Tests.Sources.Sqlite;

/// <summary>A fresh folder under the system temp folder, removed on dispose.</summary>
internal sealed class ScratchFolder : IDisposable
{
    public ScratchFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "coffre-sqlite-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Child(string name) => System.IO.Path.Combine(Path, name);

    public string[] Entries() => Directory.GetFileSystemEntries(Path).Select(System.IO.Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>
/// The test database: table <c>items</c> whose every row carries a SHA-256 of its own content (so a torn or mixed
/// row is detected), plus a table with an awkward name and an empty one.
/// </summary>
internal static class ShopData
{
    public const string Schema = """
        CREATE TABLE items (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            price REAL,
            note TEXT,
            data BLOB,
            checksum TEXT NOT NULL);
        CREATE INDEX items_name ON items(name);
        CREATE TABLE "odd ""quoted"" name" (k TEXT PRIMARY KEY, v INTEGER) WITHOUT ROWID;
        CREATE TABLE empty_one (x);
        CREATE VIEW cheap AS SELECT id, name FROM items WHERE price < 10;
        INSERT INTO "odd ""quoted"" name" VALUES ('a', 1), ('b', 2), ('ç', 3);
        """;

    public static string Name(long id) => $"article n°{id} — ünïcödé 日本語 🎉 \"quoted\" 'single'";

    public static byte[] Data(long id)
    {
        int length = (int)(id * 7919 % 1200);
        var bytes = new byte[length];
        var seed = SHA256.HashData(BitConverter.GetBytes(id));
        for (int i = 0; i < length; i++)
        {
            bytes[i] = (byte)(seed[i % seed.Length] ^ i);
        }
        return bytes;
    }

    public static string Checksum(long id, string name, double? price, string? note, byte[]? data)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{id}|{name}|{price:R}|{note ?? "<null>"}|"));
        hash.AppendData(data ?? "<null>"u8.ToArray());
        return Convert.ToHexString(hash.GetHashAndReset());
    }

    public static object?[] Row(long id)
    {
        string name = Name(id);
        double? price = id % 11 == 0 ? null : id % 1000 / 10.0;
        string? note = id % 5 == 0 ? null : id % 5 == 1 ? "" : new string('x', (int)(id % 300)) + "\u00e9\u0000after-nul";
        byte[]? data = id % 13 == 0 ? null : Data(id);
        return [id, name, price, note, data, Checksum(id, name, price, note, data)];
    }

    public const string Insert = "INSERT INTO items (id, name, price, note, data, checksum) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

    /// <summary>Creates the database at <paramref name="path"/> with <paramref name="rows"/> items.</summary>
    public static void Create(string path, int rows, bool wal)
    {
        using SqliteDatabase db = SqliteDatabase.Open(path, readOnly: false, create: true);
        if (wal)
        {
            db.Execute("PRAGMA journal_mode = WAL");
        }
        db.Execute(Schema);
        InsertItems(db, 1, rows);
    }

    public static void InsertItems(SqliteDatabase db, long firstId, int count)
    {
        db.Execute("BEGIN");
        using (var insert = db.Command(Insert, Row(firstId)))
        {
            for (long id = firstId; id < firstId + count; id++)
            {
                object?[] row = Row(id);
                for (int i = 0; i < row.Length; i++)
                {
                    insert.Parameters[i].Value = row[i] ?? DBNull.Value;
                }
                Assert.Equal(1, insert.ExecuteNonQuery());
            }
        }
        db.Execute("COMMIT");
    }

    public static long Count(string path, string table = "items")
    {
        using SqliteDatabase db = SqliteDatabase.Open(path, readOnly: true);
        return (long)db.Scalar($"SELECT COUNT(*) FROM {SqliteDatabase.QuoteIdentifier(table)}")!;
    }

    public static string IntegrityCheck(string path)
    {
        using SqliteDatabase db = SqliteDatabase.Open(path, readOnly: true);
        return string.Join("\n", db.Query("PRAGMA integrity_check").Select(r => r[0]));
    }

    /// <summary>Every row of <c>items</c> must match its checksum; ids are 1..n without gaps. Returns n.</summary>
    public static long CheckItems(string path)
    {
        using SqliteDatabase db = SqliteDatabase.Open(path, readOnly: true);
        long expectedId = 1;
        foreach (object?[] row in db.Query("SELECT id, name, price, note, data, checksum FROM items ORDER BY id"))
        {
            long id = (long)row[0]!;
            Assert.Equal(expectedId, id);
            object?[] expected = Row(id);
            Assert.Equal(expected[1], row[1]);
            Assert.Equal(expected[2], row[2]);
            Assert.Equal(expected[3], row[3]);
            Assert.Equal(expected[4], row[4]);
            Assert.Equal(Checksum(id, (string)row[1]!, (double?)row[2], (string?)row[3], (byte[]?)row[4]), row[5]);
            expectedId++;
        }
        return expectedId - 1;
    }

    /// <summary>All rows of every user table, as text, for equality between two databases.</summary>
    public static List<string> Everything(string path)
    {
        using SqliteDatabase db = SqliteDatabase.Open(path, readOnly: true);
        var lines = new List<string>();
        foreach (object?[] t in db.Query("SELECT type, name, sql FROM sqlite_master ORDER BY type, name"))
        {
            lines.Add($"schema {t[0]} {t[1]} {t[2]}");
            if ((string)t[0]! != "table")
            {
                continue;
            }
            foreach (object?[] row in db.Query($"SELECT * FROM {SqliteDatabase.QuoteIdentifier((string)t[1]!)} ORDER BY 1"))
            {
                lines.Add(string.Join("|", row.Select(v => v switch
                {
                    null => "NULL",
                    byte[] b => "x'" + Convert.ToHexString(b) + "'",
                    _ => v.ToString(),
                })));
            }
        }
        return lines;
    }

    /// <summary>Reads the dump to <paramref name="file"/>, then awaits CompleteAsync (which may throw).</summary>
    public static async Task DumpToFile(IDatabaseSource source, string file)
    {
        await using DumpStream dump = await source.StartDumpAsync(CancellationToken.None);
        await using (var output = File.Create(file))
        {
            await dump.Content.CopyToAsync(output);
        }
        await dump.CompleteAsync(CancellationToken.None);
    }
}
