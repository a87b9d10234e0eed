using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.Sources.MySql;
using Coffre.Sources.PostgreSql;
using Runner = Coffre.IntegrationTests.Infrastructure.ProcessRunner;

namespace Coffre.IntegrationTests.Sources;

/// <summary>The database source tests run one after the other (they count the tool processes left behind).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DatabaseSourcesCollection
{
    public const string Name = "database sources";
}

/// <summary>
/// The private servers test.sh starts (tests/servers.sh) and exports as COFFRE_TEST_PG_* / COFFRE_TEST_MYSQL_*.
/// </summary>
internal static class TestServers
{
    public static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v ? v : null;

    public static bool InCi => Environment.GetEnvironmentVariable("CI") == "true";

    public static string Pg(string key) => Env($"COFFRE_TEST_PG_{key}") ?? throw new InvalidOperationException(
        $"COFFRE_TEST_PG_{key} is not set: run the tests through ./test.sh (tests/servers.sh starts a private PostgreSQL)");

    public static string My(string key) => Env($"COFFRE_TEST_MYSQL_{key}") ?? throw new InvalidOperationException(
        $"COFFRE_TEST_MYSQL_{key} is not set: run the tests through ./test.sh (tests/servers.sh starts a private MariaDB)");

    public static int PgPort => int.Parse(Pg("PORT"), System.Globalization.CultureInfo.InvariantCulture);
    public static int MyPort => int.Parse(My("PORT"), System.Globalization.CultureInfo.InvariantCulture);

    public static PostgreSqlSettings PgSettings(string database, string? password = null, int? port = null, string? bin = null)
        => new("main", Pg("HOST"), port ?? PgPort, database, Pg("USER"), password ?? Pg("PASSWORD"), bin ?? Env("COFFRE_TEST_PG_BIN") ?? "/usr/bin");

    public static MySqlSettings MySettings(string database, string? password = null, int? port = null, string? bin = null)
        => new("shop", My("HOST"), port ?? MyPort, database, My("USER"), password ?? My("PASSWORD"), bin ?? Env("COFFRE_TEST_MYSQL_BIN") ?? "/usr/bin");

    public static string NewDatabaseName() => $"coffre_{Guid.NewGuid():N}"[..20];

    /// <summary>A TCP port on 127.0.0.1 nobody listens on.</summary>
    public static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    // ---- PostgreSQL, through psql as the app user (or the superuser) ----

    public static ProcessResult Psql(string database, string sql, bool superuser = false)
    {
        var env = new Dictionary<string, string?>
        {
            ["PGPASSWORD"] = superuser ? Pg("SUPERPASSWORD") : Pg("PASSWORD"),
            ["PGCLIENTENCODING"] = "UTF8",
            ["LC_ALL"] = "C.UTF-8",
        };
        var r = Runner.Run("/usr/bin/psql",
            ["-X", "-q", "-A", "-t", "-w", "-v", "ON_ERROR_STOP=1", "-h", Pg("HOST"), "-p", Pg("PORT"), "-U", superuser ? Pg("SUPERUSER") : Pg("USER"), "-d", database, "-c", sql],
            env, TimeSpan.FromMinutes(5));
        Assert.True(r.ExitCode == 0, r.Describe());
        return r;
    }

    public static void CreatePgDatabase(string name) => Psql("postgres", $"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'");

    public static void DropPgDatabase(string name)
    {
        try { Psql("postgres", $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", superuser: true); }
        catch (Xunit.Sdk.XunitException) { } // best effort
    }

    // ---- MariaDB, through the client as the app user over TCP ----

    public static ProcessResult Mariadb(string? database, string sql)
    {
        var env = new Dictionary<string, string?> { ["MYSQL_PWD"] = My("PASSWORD"), ["LC_ALL"] = "C.UTF-8" };
        var args = new List<string> { "--no-defaults", "-h", My("HOST"), "-P", My("PORT"), "-u", My("USER"), "--batch", "--skip-column-names", "--default-character-set=utf8mb4" };
        if (database is not null) args.Add($"--database={database}");
        args.AddRange(["-e", sql]);
        var r = Runner.Run(Client, args, env, TimeSpan.FromMinutes(5));
        Assert.True(r.ExitCode == 0, r.Describe());
        return r;
    }

    public static string Client => File.Exists("/usr/bin/mariadb") ? "/usr/bin/mariadb" : "/usr/bin/mysql";

    public static void DropMyDatabase(string name)
    {
        try { Mariadb(null, $"DROP DATABASE IF EXISTS `{name}`"); }
        catch (Xunit.Sdk.XunitException) { }
    }

    // ---- processes ----

    private static readonly string[] ToolNames = ["pg_dump", "pg_dumpall", "pg_restore", "psql", "createdb", "mariadb-dump", "mysqldump", "mariadb", "mysql"];

    /// <summary>Live children of the test process that are database tools (zombies included: they are leftovers too).</summary>
    public static List<string> ToolChildren()
    {
        var me = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var found = new List<string>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            string stat;
            try { stat = File.ReadAllText(Path.Combine(dir, "stat")); }
            catch (IOException) { continue; }
            catch (UnauthorizedAccessException) { continue; }
            var open = stat.IndexOf('(', StringComparison.Ordinal);
            var close = stat.LastIndexOf(')');
            if (open < 0 || close < 0) continue;
            var comm = stat[(open + 1)..close];
            var rest = stat[(close + 2)..].Split(' ');
            if (rest.Length > 1 && rest[1] == me && ToolNames.Contains(comm)) found.Add($"{Path.GetFileName(dir)} {comm} {rest[0]}");
        }
        return found;
    }

    /// <summary>The command lines of the running database tools started by this process.</summary>
    public static List<string> ToolCommandLines()
    {
        var lines = new List<string>();
        foreach (var child in ToolChildren())
        {
            var pid = child.Split(' ')[0];
            try { lines.Add(File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ')); }
            catch (IOException) { }
        }
        return lines;
    }

    /// <summary>Waits a little for children that are exiting, then asserts none is left.</summary>
    public static void AssertNoToolLeft()
    {
        for (var i = 0; i < 50 && ToolChildren().Count > 0; i++) Thread.Sleep(100);
        Assert.Empty(ToolChildren());
    }

    public static string Md5(byte[] data) => Convert.ToHexString(MD5.HashData(data));

    public static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);
}

/// <summary>A test that needs the private PostgreSQL: skipped with a reason when absent, except in CI.</summary>
public sealed class PostgreSqlFactAttribute : FactAttribute
{
    public PostgreSqlFactAttribute()
    {
        if (TestServers.InCi) return;
        if (TestServers.Env("COFFRE_TEST_PG_PORT") is null)
            Skip = "needs the private PostgreSQL that ./test.sh starts (COFFRE_TEST_PG_* not set; CI=true makes this a failure)";
    }
}

/// <summary>A test that needs the private MariaDB: skipped with a reason when absent, except in CI.</summary>
public sealed class MySqlFactAttribute : FactAttribute
{
    public MySqlFactAttribute()
    {
        if (TestServers.InCi) return;
        if (TestServers.Env("COFFRE_TEST_MYSQL_PORT") is null)
            Skip = "needs the private MariaDB that ./test.sh starts (COFFRE_TEST_MYSQL_* not set; CI=true makes this a failure)";
    }
}

/// <summary>A theory that needs the private MariaDB (see <see cref="MySqlFactAttribute"/>).</summary>
public sealed class MySqlTheoryAttribute : TheoryAttribute
{
    public MySqlTheoryAttribute()
    {
        if (TestServers.InCi) return;
        if (TestServers.Env("COFFRE_TEST_MYSQL_PORT") is null)
            Skip = "needs the private MariaDB that ./test.sh starts (COFFRE_TEST_MYSQL_* not set; CI=true makes this a failure)";
    }
}

/// <summary>A theory that needs the private PostgreSQL (see <see cref="PostgreSqlFactAttribute"/>).</summary>
public sealed class PostgreSqlTheoryAttribute : TheoryAttribute
{
    public PostgreSqlTheoryAttribute()
    {
        if (TestServers.InCi) return;
        if (TestServers.Env("COFFRE_TEST_PG_PORT") is null)
            Skip = "needs the private PostgreSQL that ./test.sh starts (COFFRE_TEST_PG_* not set; CI=true makes this a failure)";
    }
}
