using Coffre.Configuration;
using Coffre.Health;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.IntegrationTests.Sources;

namespace Coffre.IntegrationTests.Health;

/// <summary>The database-tool findings against the private PostgreSQL (tests/servers.sh) and its real client tools.</summary>
public class DatabaseToolProbeTests
{
    private static CoffreConfig Config(string bin) => new()
    {
        Application = "shop",
        Databases =
        [
            new DatabaseSection
            {
                Name = "main", Engine = "postgresql", Host = TestServers.Pg("HOST"), Port = TestServers.PgPort,
                Database = "postgres", User = TestServers.Pg("USER"), PasswordEnv = "DB_PASSWORD", BinDirectory = bin,
            },
        ],
    };

    private static Task<IReadOnlyList<HealthFinding>> ProbeAsync(string bin, string password) =>
        DatabaseToolProbe.ProbeAsync(Config(bin), new Dictionary<string, string?> { ["DB_PASSWORD"] = password }, CancellationToken.None);

    private static string RealBin => TestServers.Env("COFFRE_TEST_PG_BIN") ?? "/usr/bin";

    [PostgreSqlFact]
    public async Task The_server_s_own_client_tools_are_fine()
    {
        Assert.Empty(await ProbeAsync(RealBin, TestServers.Pg("PASSWORD")));
    }

    [PostgreSqlFact]
    public async Task A_pg_dump_older_than_the_server_is_failing_and_names_both_versions()
    {
        using var dir = new TestDirectory("doctor-old-pgdump");
        var bin = dir.CreateSub("bin");
        // An old pg_dump as far as its version goes; psql is the real one, which asks the real server.
        File.WriteAllText(Path.Combine(bin, "pg_dump"), "#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n");
        File.SetUnixFileMode(Path.Combine(bin, "pg_dump"), UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.UserWrite);
        File.CreateSymbolicLink(Path.Combine(bin, "psql"), Path.Combine(RealBin, "psql"));
        var finding = Assert.Single(await ProbeAsync(bin, TestServers.Pg("PASSWORD")));
        Assert.Equal(("database-tool-old", HealthSeverity.Failing), (finding.Code, finding.Severity));
        Assert.Contains($"pg_dump 9 (in {bin}) is older than the server (PostgreSQL {ServerMajor()})", finding.Text, StringComparison.Ordinal);
    }

    [PostgreSqlFact]
    public async Task A_server_that_refuses_the_password_needs_attention()
    {
        var finding = Assert.Single(await ProbeAsync(RealBin, "not the password"));
        Assert.Equal(("database-unreachable", HealthSeverity.Attention), (finding.Code, finding.Severity));
        Assert.Contains("password", finding.Text, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The server's major version, asked with the real psql.</summary>
    private static int ServerMajor()
    {
        var r = ProcessRunner.Run(Path.Combine(RealBin, "psql"),
            ["-X", "-A", "-t", "-w", "-h", TestServers.Pg("HOST"), "-p", TestServers.Pg("PORT"), "-U", TestServers.Pg("USER"), "-d", "postgres", "-c", "SHOW server_version_num"],
            new Dictionary<string, string?> { ["PGPASSWORD"] = TestServers.Pg("PASSWORD") }, TimeSpan.FromSeconds(30), null);
        Assert.True(r.ExitCode == 0, r.Describe());
        return int.Parse(r.StdOut.Trim(), System.Globalization.CultureInfo.InvariantCulture) / 10000;
    }
}
