using System.Text;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.Sources;
using Coffre.Sources.MySql;
using static Coffre.IntegrationTests.Sources.TestServers;
using Runner = Coffre.IntegrationTests.Infrastructure.ProcessRunner;

namespace Coffre.IntegrationTests.Sources;

/// <summary>
/// A dump is untrusted input (an archive, a snapshot written by anyone with the repository key): restoring it into
/// the real MariaDB never runs a client command (a shell, a file read or write) and never sends a local file to the
/// server (LOAD DATA LOCAL INFILE).
/// </summary>
[Collection(DatabaseSourcesCollection.Name)]
public sealed class MySqlHostileDumpTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    /// <summary>A dump as mariadb-dump writes it (without its sandbox line: a forger leaves it out), then <paramref name="payload"/>.</summary>
    private static MemoryStream Dump(string payload) => new(Encoding.UTF8.GetBytes(
        "-- MariaDB dump 10.19  Distrib 10.11.19-MariaDB, for debian-linux-gnu (x86_64)\n"
        + "DROP TABLE IF EXISTS `t`;\nCREATE TABLE `t` (`x` text) ENGINE=InnoDB;\nINSERT INTO `t` VALUES ('before');\n"
        + payload + "\nINSERT INTO `t` VALUES ('after');\n"));

    public static TheoryData<string, string> ClientCommands => new()
    {
        { "shell", "\\! touch {0}" },
        { "shell mid-line", "SELECT 1; \\! touch {0}" },
        { "system", "system touch {0}" },
        { "tee", "tee {0}" },
        { "short tee", "\\T {0}" },
        { "pager", "\\P touch {0}" },
        { "source", "\\. {1}" },
        { "named source", "source {1}" },
    };

    [MySqlTheory]
    [MemberData(nameof(ClientCommands))]
    public async Task A_client_command_in_a_dump_is_never_run(string what, string command)
    {
        using var dir = new TestDirectory("hostile-mysql");
        var marker = Path.Combine(dir.Path, "pwned");
        var included = Path.Combine(dir.Path, "included.sql");
        File.WriteAllText(included, $"SELECT 'included'; \\! touch {marker}\n");
        var db = NewDatabaseName();
        Mariadb(null, $"CREATE DATABASE `{db}`");
        try
        {
            var source = new MySqlSource(MySettings(db));
            var payload = string.Format(System.Globalization.CultureInfo.InvariantCulture, command, marker, included);
            var e = await Assert.ThrowsAsync<SourceException>(() => source.RestoreAsync(Dump(payload), null, Ct));
            Assert.False(File.Exists(marker), $"{what}: the dump ran a command");
            Assert.StartsWith($"restore into database \"{db}\" failed: ", e.Message, StringComparison.Ordinal);
            // The restore stopped at the command: nothing after it was applied.
            Assert.DoesNotContain("after", Mariadb(db, "SELECT x FROM t").StdOut, StringComparison.Ordinal);
            AssertNoToolLeft();
        }
        finally
        {
            DropMyDatabase(db);
        }
    }

    [MySqlFact]
    public async Task A_shell_command_is_named_in_the_error()
    {
        using var dir = new TestDirectory("hostile-mysql");
        var marker = Path.Combine(dir.Path, "pwned");
        var db = NewDatabaseName();
        Mariadb(null, $"CREATE DATABASE `{db}`");
        try
        {
            var e = await Assert.ThrowsAsync<SourceException>(() => new MySqlSource(MySettings(db)).RestoreAsync(Dump($"\\! sh -c 'touch {marker}'"), null, Ct));
            Assert.False(File.Exists(marker));
            Assert.Equal($"restore into database \"{db}\" failed: the dump holds a mariadb client command at line 5, not SQL (Unknown command '\\!'): "
                + "Coffre never runs those (they can start programs or read files); the dump was not made by mariadb-dump/mysqldump or was altered", e.Message);
        }
        finally
        {
            DropMyDatabase(db);
        }
    }

    [MySqlFact]
    public async Task A_dump_cannot_send_a_local_file_to_the_server()
    {
        using var dir = new TestDirectory("hostile-mysql");
        var secret = Path.Combine(dir.Path, "secret.txt");
        File.WriteAllText(secret, "local-secret-9d1e\n");
        var db = NewDatabaseName();
        Mariadb(null, $"CREATE DATABASE `{db}`");
        try
        {
            var e = await Assert.ThrowsAsync<SourceException>(() => new MySqlSource(MySettings(db))
                .RestoreAsync(Dump($"LOAD DATA LOCAL INFILE '{secret}' INTO TABLE `t`;"), null, Ct));
            Assert.Contains("not allowed", e.Message, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("local-secret", Mariadb(db, "SELECT x FROM t").StdOut, StringComparison.Ordinal);
        }
        finally
        {
            DropMyDatabase(db);
        }
    }

    [MySqlFact]
    public async Task A_real_dump_with_its_sandbox_line_still_restores()
    {
        var db = NewDatabaseName();
        Mariadb(null, $"CREATE DATABASE `{db}`");
        try
        {
            Mariadb(db, "CREATE TABLE t (x TEXT); INSERT INTO t VALUES ('a\\\\b\\r\\n\\0z'), ('delimiter ;; \\\\! not a command');");
            var source = new MySqlSource(MySettings(db));
            var dump = new MemoryStream();
            await using (var stream = await source.StartDumpAsync(Ct))
            {
                await stream.Content.CopyToAsync(dump, Ct);
                await stream.CompleteAsync(Ct);
            }
            var before = Mariadb(db, "SELECT HEX(x) FROM t ORDER BY x").StdOut;
            Mariadb(db, "DELETE FROM t");
            dump.Position = 0;
            await source.RestoreAsync(dump, null, Ct);
            Assert.Equal(before, Mariadb(db, "SELECT HEX(x) FROM t ORDER BY x").StdOut);
        }
        finally
        {
            DropMyDatabase(db);
        }
    }
    /// <summary>Runs SQL as root through the private server's socket.</summary>
    private static void AsRoot(string sql)
    {
        var r = Runner.Run(Client, ["--no-defaults", $"--socket={My("ROOT_SOCKET")}", "-u", "root", "--batch", "-e", sql],
            new Dictionary<string, string?> { ["LC_ALL"] = "C.UTF-8" }, TimeSpan.FromMinutes(1));
        Assert.True(r.ExitCode == 0, r.Describe());
    }

    [MySqlFact]
    public async Task A_user_with_the_FILE_privilege_is_refused_before_anything_changes()
    {
        var marker = Path.Combine(Path.GetTempPath(), $"coffre-my-pwned-{Guid.NewGuid():N}");
        var user = "coffre_file_" + Guid.NewGuid().ToString("N")[..8];
        var db = NewDatabaseName();
        Mariadb(null, $"CREATE DATABASE `{db}`");
        Mariadb(db, "CREATE TABLE kept (x INT); INSERT INTO kept VALUES (42)");
        AsRoot($"CREATE USER '{user}'@'127.0.0.1' IDENTIFIED BY 'pw-{user}'; GRANT ALL ON `coffre%`.* TO '{user}'@'127.0.0.1'; GRANT FILE ON *.* TO '{user}'@'127.0.0.1'");
        try
        {
            var settings = MySettings(db) with { User = user, Password = $"pw-{user}" };
            var payload = $"SELECT 'written by the dump' INTO OUTFILE '{marker}';";
            var e = await Assert.ThrowsAsync<SourceException>(() => new MySqlSource(settings).RestoreAsync(Dump(payload), null, Ct));
            Assert.Equal($"restore into database \"{db}\" refused: user {user} has the global FILE privilege, and a dump restored "
                + "with it can write and read files on the database server or change the server itself. Restore as a user with rights on the "
                + "application's database only, or set databases[].allowPrivilegedRestore to true for \"shop\" if every dump that may "
                + "be restored is trusted", e.Message);
            Assert.False(File.Exists(marker));
            Assert.Equal("42", Mariadb(db, "SELECT x FROM kept").StdOut.Trim());

            // What the refusal prevents: trusted, the same dump writes a file on the server's machine.
            await new MySqlSource(settings with { AllowPrivilegedRestore = true }).RestoreAsync(Dump(payload), null, Ct);
            Assert.True(File.Exists(marker), "the payload did not run: this test proves nothing");
        }
        finally
        {
            AsRoot($"DROP USER IF EXISTS '{user}'@'127.0.0.1'");
            DropMyDatabase(db);
            File.Delete(marker);
        }
    }
}
