using Coffre.IntegrationTests.Infrastructure;
using Coffre.Sources;
using Coffre.Sources.MySql;
using static Coffre.IntegrationTests.Sources.TestServers;

namespace Coffre.IntegrationTests.Sources;

/// <summary>MySqlSource against the private MariaDB that test.sh starts: round trips and bad input.</summary>
[Collection(DatabaseSourcesCollection.Name)]
public sealed class MySqlSourceTests
{
    /// <summary>BLOBs with every byte value, unicode (4-byte too), JSON, 100k rows, a view, a trigger, a procedure,
    /// a function, an event.</summary>
    internal const string Setup = """
        CREATE TABLE items (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(200) NOT NULL, price DECIMAL(12,2), doc JSON,
                            updated_at TIMESTAMP NULL) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
        INSERT INTO items (name, price, doc)
          SELECT CONCAT('item ', seq, ' ✓ ünïcødé 🚀 日本語 ''q'' \\ "dq"'), seq * 1.25, JSON_OBJECT('n', seq, 'tab', 'a\tb')
          FROM seq_1_to_100000;
        CREATE TABLE blobs (id INT PRIMARY KEY, data LONGBLOB) ENGINE=InnoDB;
        INSERT INTO blobs SELECT 1, UNHEX(GROUP_CONCAT(LPAD(HEX(seq), 2, '0') ORDER BY seq SEPARATOR '')) FROM seq_0_to_255;
        INSERT INTO blobs VALUES (2, ''), (3, NULL), (4, REPEAT(UNHEX('00FF0A0D5C27221A'), 100000));
        CREATE TABLE audit (id INT AUTO_INCREMENT PRIMARY KEY, item_id INT, note VARCHAR(300)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
        CREATE TRIGGER items_audit AFTER UPDATE ON items FOR EACH ROW INSERT INTO audit (item_id, note) VALUES (NEW.id, CONCAT('renamed to ', NEW.name));
        CREATE VIEW cheap AS SELECT id, name FROM items WHERE price < 100;
        CREATE PROCEDURE add_item(IN p_name VARCHAR(200)) INSERT INTO items (name, price) VALUES (p_name, 1);
        CREATE FUNCTION item_count() RETURNS INT READS SQL DATA RETURN (SELECT COUNT(*) FROM items);
        CREATE EVENT nightly ON SCHEDULE EVERY 1 DAY DISABLE DO DELETE FROM audit WHERE id < 0;
        UPDATE items SET name = CONCAT(name, '!') WHERE id <= 10;
        """;

    internal const string Damage = """
        UPDATE items SET price = 0 WHERE id % 10 = 0;
        DELETE FROM items WHERE id > 99000;
        DROP VIEW cheap;
        DROP TABLE audit;
        DROP PROCEDURE add_item;
        DROP EVENT nightly;
        DELETE FROM blobs WHERE id = 1;
        """;

    /// <summary>Order-independent checksums of the rows plus the definitions of the code objects (with the
    /// database's own name taken out, so another database compares equal).</summary>
    internal const string FingerprintQuery = """
        SET SESSION group_concat_max_len = 1073741824;
        SELECT 'items', COUNT(*), MD5(GROUP_CONCAT(CONCAT_WS('|', id, name, price, doc, IFNULL(updated_at, 'null')) ORDER BY id SEPARATOR '\n')) FROM items
        UNION ALL SELECT 'blobs', COUNT(*), MD5(GROUP_CONCAT(CONCAT_WS('|', id, IFNULL(HEX(data), 'null')) ORDER BY id)) FROM blobs
        UNION ALL SELECT 'audit', COUNT(*), MD5(GROUP_CONCAT(CONCAT_WS('|', id, item_id, note) ORDER BY id)) FROM audit
        UNION ALL SELECT 'cheap', COUNT(*), MD5(GROUP_CONCAT(CONCAT_WS('|', id, name) ORDER BY id)) FROM cheap
        UNION ALL SELECT 'item_count()', item_count(), ''
        UNION ALL SELECT 'auto_increment', AUTO_INCREMENT, '' FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'items'
        UNION ALL SELECT 'routines', COUNT(*), GROUP_CONCAT(CONCAT(routine_type, ' ', routine_name, ' ', MD5(routine_definition)) ORDER BY routine_name)
          FROM information_schema.routines WHERE routine_schema = DATABASE()
        UNION ALL SELECT 'triggers', COUNT(*), GROUP_CONCAT(CONCAT(trigger_name, ' ', action_timing, ' ', event_manipulation, ' ', MD5(action_statement)) ORDER BY trigger_name)
          FROM information_schema.triggers WHERE trigger_schema = DATABASE()
        UNION ALL SELECT 'events', COUNT(*), GROUP_CONCAT(CONCAT(event_name, ' ', status, ' ', MD5(event_definition)) ORDER BY event_name)
          FROM information_schema.events WHERE event_schema = DATABASE()
        UNION ALL SELECT 'views', COUNT(*), GROUP_CONCAT(CONCAT(table_name, ' ', MD5(REPLACE(view_definition, DATABASE(), 'DB'))) ORDER BY table_name)
          FROM information_schema.views WHERE table_schema = DATABASE();
        """;

    private static readonly CancellationToken Ct = CancellationToken.None;

    [MySqlFact]
    public async Task Awkward_database_round_trips_in_place_and_into_another_database()
    {
        var db = NewDatabaseName();
        var other = NewDatabaseName();
        Mariadb(null, $"CREATE DATABASE `{db}` CHARACTER SET utf8mb4");
        try
        {
            Mariadb(db, Setup);
            var source = new MySqlSource(MySettings(db));
            Assert.Equal("mysql", source.Engine);
            Assert.Equal("sql", source.Extension);

            var description = await source.DescribeAsync(Ct);
            Assert.Contains("MariaDB", description.ServerVersion, StringComparison.Ordinal);
            Assert.Equal(new Dictionary<string, long> { ["audit"] = 10, ["blobs"] = 4, ["items"] = 100_000 },
                description.RowCounts.ToDictionary(p => p.Key, p => p.Value));

            var fingerprint = Fingerprint(db);
            var optionDirs = OptionFileDirectories();
            byte[] dump;
            await using (var stream = await source.StartDumpAsync(Ct))
            {
                var running = ToolCommandLines();
                Assert.Contains(running, l => l.Contains("mariadb-dump", StringComparison.Ordinal) || l.Contains("mysqldump", StringComparison.Ordinal));
                Assert.DoesNotContain(running, l => l.Contains(My("PASSWORD"), StringComparison.Ordinal));
                Assert.Equal(optionDirs + 1, OptionFileDirectories()); // the password file exists while the dump runs
                using var buffer = new MemoryStream();
                await stream.Content.CopyToAsync(buffer, Ct);
                await stream.CompleteAsync(Ct);
                dump = buffer.ToArray();
            }
            Assert.Equal(optionDirs, OptionFileDirectories()); // and is gone afterwards
            var text = System.Text.Encoding.UTF8.GetString(dump);
            Assert.DoesNotContain("CREATE DATABASE", text, StringComparison.Ordinal);
            Assert.DoesNotContain($"USE `{db}`", text, StringComparison.Ordinal);
            AssertNoToolLeft();

            Mariadb(db, Damage);
            Assert.NotEqual(fingerprint, SafeFingerprint(db));

            await source.RestoreAsync(new MemoryStream(dump), null, Ct);
            Assert.Equal(fingerprint, Fingerprint(db));
            Assert.Equal(description, await source.DescribeAsync(Ct), DescriptionComparer.Instance);

            await source.RestoreAsync(new MemoryStream(dump), other, Ct);
            Assert.Equal(fingerprint, Fingerprint(other));
            Assert.Equal(optionDirs, OptionFileDirectories());
            AssertNoToolLeft();
        }
        finally
        {
            DropMyDatabase(db);
            DropMyDatabase(other);
        }
    }

    [MySqlFact]
    public async Task Server_down_is_named()
    {
        var port = ClosedPort();
        var source = new MySqlSource(MySettings("coffre_x", port: port));
        var expected = $"MySQL at {My("HOST")}:{port} refused the connection";
        Assert.StartsWith(expected, (await Assert.ThrowsAsync<SourceException>(() => source.DescribeAsync(Ct))).Message, StringComparison.Ordinal);
        Assert.StartsWith(expected, (await Assert.ThrowsAsync<SourceException>(() => DumpAsync(source))).Message, StringComparison.Ordinal);
        Assert.Contains(expected, (await Assert.ThrowsAsync<SourceException>(() => source.RestoreAsync(new MemoryStream("SELECT 1;"u8.ToArray()), null, Ct))).Message, StringComparison.Ordinal);
        AssertNoToolLeft();
    }

    [MySqlFact]
    public async Task Wrong_password_is_named()
    {
        var db = NewDatabaseName();
        Mariadb(null, $"CREATE DATABASE `{db}`");
        try
        {
            var source = new MySqlSource(MySettings(db, password: "not the password"));
            var expected = $"access denied for user app on MySQL at {My("HOST")}:{MyPort}: wrong password?";
            Assert.Equal(expected, (await Assert.ThrowsAsync<SourceException>(() => source.DescribeAsync(Ct))).Message);
            Assert.Equal(expected, (await Assert.ThrowsAsync<SourceException>(() => DumpAsync(source))).Message);
            AssertNoToolLeft();
        }
        finally
        {
            DropMyDatabase(db);
        }
    }

    [MySqlFact]
    public async Task Unknown_database_is_named()
    {
        var source = new MySqlSource(MySettings("coffre_no_such_db"));
        const string expected = "database \"coffre_no_such_db\" does not exist";
        Assert.Equal(expected, (await Assert.ThrowsAsync<SourceException>(() => source.DescribeAsync(Ct))).Message);
        Assert.Equal(expected, (await Assert.ThrowsAsync<SourceException>(() => DumpAsync(source))).Message);
        AssertNoToolLeft();
    }

    [MySqlFact]
    public async Task Missing_tools_are_named()
    {
        using var empty = new TestDirectory("nomy");
        var source = new MySqlSource(MySettings("coffre_x", bin: empty.Path));
        Assert.Equal($"mysqldump not found in {empty.Path} (looked for mariadb-dump and mysqldump): install mariadb-client or mysql-client",
            (await Assert.ThrowsAsync<SourceException>(() => source.StartDumpAsync(Ct))).Message);
        Assert.StartsWith($"the mysql client not found in {empty.Path}",
            (await Assert.ThrowsAsync<SourceException>(() => source.DescribeAsync(Ct))).Message, StringComparison.Ordinal);
    }

    [MySqlFact]
    public async Task A_failing_restore_is_named_and_stops_at_the_first_error()
    {
        var db = NewDatabaseName();
        Mariadb(null, $"CREATE DATABASE `{db}`");
        try
        {
            var source = new MySqlSource(MySettings(db));
            var sql = "CREATE TABLE ok1 (id INT);\nTHIS IS NOT SQL;\nCREATE TABLE ok2 (id INT);\n"u8.ToArray();
            var e = await Assert.ThrowsAsync<SourceException>(() => source.RestoreAsync(new MemoryStream(sql), null, Ct));
            Assert.StartsWith($"restore into database \"{db}\" failed:", e.Message, StringComparison.Ordinal);
            Assert.Contains("at line 2", e.Message, StringComparison.Ordinal);
            Assert.Equal("ok1", Mariadb(db, "SHOW TABLES").StdOut.Trim());
            AssertNoToolLeft();
        }
        finally
        {
            DropMyDatabase(db);
        }
    }

    [Fact]
    public void Settings_never_print_the_password()
    {
        var s = new MySqlSettings("shop", "127.0.0.1", 3306, "shop", "app", "s3cret");
        Assert.DoesNotContain("s3cret", s.ToString(), StringComparison.Ordinal);
    }

    private static async Task DumpAsync(IDatabaseSource source)
    {
        await using var stream = await source.StartDumpAsync(Ct);
        await stream.Content.CopyToAsync(Stream.Null, Ct);
        await stream.CompleteAsync(Ct);
    }

    private static int OptionFileDirectories() => Directory.GetDirectories(Path.GetTempPath(), "coffre-mysql-*").Length;

    private static string Fingerprint(string db) => Mariadb(db, FingerprintQuery).StdOut;

    private static string SafeFingerprint(string db)
    {
        try { return Fingerprint(db); }
        catch (Xunit.Sdk.XunitException e) { return "broken: " + e.Message; }
    }
}
