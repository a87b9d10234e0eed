using Coffre.Sources.MySql;
using Coffre.Configuration;
using Coffre.Health;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.IntegrationTests.Sources;

namespace Coffre.IntegrationTests.Health;

/// <summary>The MySQL/MariaDB dump tool matched against the private MariaDB server (tests/servers.sh) by <c>coffre doctor</c>'s probe.</summary>
public class MySqlToolCheckTests
{
    private static CoffreConfig Config(string bin) => new()
    {
        Application = "shop",
        Databases =
        [
            new DatabaseSection
            {
                Name = "shop", Engine = "mysql", Host = TestServers.My("HOST"), Port = TestServers.MyPort,
                Database = "mysql", User = TestServers.My("USER"), PasswordEnv = "DB_PASSWORD", BinDirectory = bin,
            },
        ],
    };

    private static Task<IReadOnlyList<HealthFinding>> ProbeAsync(string bin, string password) =>
        DatabaseToolProbe.ProbeAsync(Config(bin), new Dictionary<string, string?> { ["DB_PASSWORD"] = password }, CancellationToken.None);

    private static string RealBin => TestServers.Env("COFFRE_TEST_MYSQL_BIN") ?? "/usr/bin";

    /// <summary>A folder with a dump tool that only prints <paramref name="version"/>, and the real client (which asks the real server).</summary>
    private static string FakeDump(TestDirectory dir, string tool, string version)
    {
        var bin = dir.CreateSub("bin");
        File.WriteAllText(Path.Combine(bin, tool), $"#!/bin/sh\necho '{version}'\n");
        File.SetUnixFileMode(Path.Combine(bin, tool), UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.UserWrite);
        File.CreateSymbolicLink(Path.Combine(bin, "mariadb"), TestServers.Client);
        return bin;
    }

    [MySqlFact]
    public async Task The_server_s_own_client_tools_are_fine()
    {
        Assert.Empty(await ProbeAsync(RealBin, TestServers.My("PASSWORD")));
    }

    [MySqlFact]
    public async Task Oracle_s_mysqldump_8_against_mariadb_is_failing()
    {
        using var dir = new TestDirectory("doctor-mysqldump8");
        var bin = FakeDump(dir, "mysqldump", "mysqldump  Ver 8.0.36 for Linux on x86_64 (MySQL Community Server - GPL)");
        var finding = Assert.Single(await ProbeAsync(bin, TestServers.My("PASSWORD")));
        Assert.Equal(("database-tool-incompatible", HealthSeverity.Failing), (finding.Code, finding.Severity));
        Assert.Contains("mysqldump 8.0.36", finding.Text, StringComparison.Ordinal);
        Assert.Contains("the server is MariaDB " + ServerVersion(), finding.Text, StringComparison.Ordinal);
    }

    [MySqlFact]
    public async Task A_mariadb_dump_older_than_the_server_needs_attention_and_names_both_versions()
    {
        using var dir = new TestDirectory("doctor-old-mariadb-dump");
        var bin = FakeDump(dir, "mariadb-dump", "mariadb-dump  Ver 10.19 Distrib 10.3.39-MariaDB, for debian-linux-gnu (x86_64)");
        var finding = Assert.Single(await ProbeAsync(bin, TestServers.My("PASSWORD")));
        Assert.Equal(("database-tool-old", HealthSeverity.Attention), (finding.Code, finding.Severity));
        Assert.Contains($"mariadb-dump 10.3.39 (in {bin}) is older than the server (MariaDB {ServerVersion()})", finding.Text, StringComparison.Ordinal);
    }

    [MySqlFact]
    public async Task A_server_that_refuses_the_password_needs_attention()
    {
        var finding = Assert.Single(await ProbeAsync(RealBin, "not the password"));
        Assert.Equal(("database-unreachable", HealthSeverity.Attention), (finding.Code, finding.Severity));
        Assert.Contains("Access denied", finding.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.11.6-MariaDB-0+deb12u1", true, "10.11.6")]
    [InlineData("mariadb-dump from 11.4.2-MariaDB, client 10.19 for debian-linux-gnu (x86_64)", true, "11.4.2")]
    [InlineData("mysqldump  Ver 8.0.36 for Linux on x86_64 (MySQL Community Server - GPL)", false, "8.0.36")]
    [InlineData("8.4.0", false, "8.4.0")]
    public void Versions_of_both_kinds_parse(string text, bool mariaDb, string version)
    {
        var v = MySqlToolCheck.ToolVersion.Parse(text);
        Assert.NotNull(v);
        Assert.Equal((mariaDb, version), (v.Value.MariaDb, v.Value.ToString()));
    }

    /// <summary>The server's version, asked with the real client: "10.11.19".</summary>
    private static string ServerVersion()
    {
        var r = TestServers.Mariadb(null, "SELECT VERSION()");
        Assert.True(r.ExitCode == 0, r.Describe());
        return MySqlToolCheck.ToolVersion.Parse(r.StdOut.Trim().Split('\n')[^1])!.Value.ToString();
    }
}
