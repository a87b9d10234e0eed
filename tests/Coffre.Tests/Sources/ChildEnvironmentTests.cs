using System.Text;
using Coffre.Configuration;
using Coffre.Application.Restore;
using Coffre.Sources;
using Coffre.Sources.MySql;
using Coffre.Sources.PostgreSql;
using Coffre.Tests.Sources.Sqlite;

namespace Coffre.Tests.Sources;

/// <summary>
/// Every child process (database tools, hooks, password commands) gets a minimal environment: a secret in Coffre's
/// own environment (here a variable with a unique name standing for COFFRE_PASSWORD or the service's secrets) never
/// reaches it, nor another database's password.
/// </summary>
public sealed class ChildEnvironmentTests : IDisposable
{
    private static readonly string SecretName = "COFFRE_TEST_SECRET_" + Guid.NewGuid().ToString("N")[..12].ToUpperInvariant();
    private const string SecretValue = "the-repository-password-4f9c";
    private readonly ScratchFolder _dir = new();

    public ChildEnvironmentTests() => Environment.SetEnvironmentVariable(SecretName, SecretValue);

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(SecretName, null);
        _dir.Dispose();
    }

    /// <summary>A fake tool that writes its environment (NUL-separated, like /proc/PID/environ) and fails.</summary>
    private string FakeTool(string bin, string name, string dumpTo)
    {
        Directory.CreateDirectory(bin);
        var path = Path.Combine(bin, name);
        File.WriteAllText(path, $"#!/bin/sh\nenv -0 > '{dumpTo}'\necho 'fake tool' >&2\nexit 2\n");
        File.SetUnixFileMode(path, (UnixFileMode)0b111_000_000);
        return path;
    }

    private static Dictionary<string, string> ReadEnvironment(string file)
        => File.ReadAllText(file).Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "", StringComparer.Ordinal);

    private static void AssertNothingInherited(Dictionary<string, string> env, ChildEnvironment allowed, params string[] setByCoffre)
    {
        Assert.DoesNotContain(SecretName, env.Keys);
        Assert.DoesNotContain(env.Values, v => v.Contains(SecretValue, StringComparison.Ordinal));
        // Nothing but the allowed names (and what Coffre sets itself; PWD and SHLVL come from /bin/sh).
        var unexpected = env.Keys.Where(k => !allowed.Keeps(k) && !setByCoffre.Contains(k) && k is not ("PWD" or "SHLVL" or "_" or "OLDPWD")).ToList();
        Assert.Empty(unexpected);
    }

    [Fact]
    public async Task PostgreSqlToolsGetTheirOwnPasswordAndNoOtherSecret()
    {
        var bin = _dir.Child("pgbin");
        var dump = _dir.Child("pg.env");
        FakeTool(bin, "psql", dump);
        var source = new PostgreSqlSource(new PostgreSqlSettings("main", "127.0.0.1", 1, "app", "app", "pg-password-1", bin));
        await Assert.ThrowsAsync<SourceException>(() => source.DescribeAsync(CancellationToken.None));

        var env = ReadEnvironment(dump);
        Assert.Equal("pg-password-1", env["PGPASSWORD"]);
        Assert.Equal("C.UTF-8", env["LC_ALL"]);
        Assert.True(env.ContainsKey("PATH"));
        AssertNothingInherited(env, ChildEnvironment.Tool, "PGPASSWORD", "PGCONNECT_TIMEOUT", "PGCLIENTENCODING", "PGAPPNAME", "LC_ALL");
    }

    [Fact]
    public async Task MySqlToolsGetNoPasswordInTheEnvironment()
    {
        var bin = _dir.Child("mybin");
        var dump = _dir.Child("my.env");
        FakeTool(bin, "mariadb", dump);
        var source = new MySqlSource(new MySqlSettings("shop", "127.0.0.1", 1, "shop", "app", "my-password-2", bin));
        await Assert.ThrowsAsync<SourceException>(() => source.DescribeAsync(CancellationToken.None));

        var env = ReadEnvironment(dump);
        Assert.DoesNotContain(env.Values, v => v.Contains("my-password-2", StringComparison.Ordinal));
        Assert.DoesNotContain("MYSQL_PWD", env.Keys);
        Assert.DoesNotContain("PGPASSWORD", env.Keys);
        AssertNothingInherited(env, ChildEnvironment.Tool, "LC_ALL");
    }

    [Fact]
    public async Task AHookSeesNoSecret()
    {
        var dump = _dir.Child("hook.env");
        await HookRunner.RunAsync("preRestore", $"env -0 > '{dump}'", CancellationToken.None);
        var env = ReadEnvironment(dump);
        Assert.True(env.ContainsKey("PATH"));
        AssertNothingInherited(env, ChildEnvironment.Hook, "LC_ALL");
    }

    [Fact]
    public void APasswordCommandSeesNoSecret()
    {
        var dump = _dir.Child("command.env");
        var password = PasswordSource.Resolve(new RepositorySection { PasswordCommand = $"env -0 > '{dump}'; echo from-command" });
        Assert.Equal("from-command", Encoding.UTF8.GetString(password));
        AssertNothingInherited(ReadEnvironment(dump), ChildEnvironment.PasswordCommand);
    }

    [Theory]
    [InlineData("PATH", true)]
    [InlineData("LC_TIME", true)]
    [InlineData("TMPDIR", true)]
    [InlineData("COFFRE_PASSWORD", false)]
    [InlineData("RESTIC_PASSWORD", false)]
    [InlineData("PGPASSWORD", false)]
    [InlineData("MYSQL_PWD", false)]
    [InlineData("AWS_SECRET_ACCESS_KEY", false)]
    [InlineData("PATHX", false)]
    public void TheMinimalSetIsMinimal(string name, bool kept) => Assert.Equal(kept, ChildEnvironment.Tool.Keeps(name));

    [Fact]
    public void ExceptionsWinOverPrefixes()
    {
        var libpq = new ChildEnvironment(["PG*"], except: ["PGPASSWORD"]);
        Assert.True(libpq.Keeps("PGSSLMODE"));
        Assert.False(libpq.Keeps("PGPASSWORD"));
        Assert.False(ChildEnvironment.Hook.Keeps("SSH_AUTH_SOCK"));
        Assert.True(ChildEnvironment.PasswordCommand.Keeps("GNUPGHOME"));
    }
}

/// <summary>Measured alone (allocations are counted process-wide).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AloneCollection
{
    public const string Name = "measured alone";
}

[Collection(AloneCollection.Name)]
public sealed class PasswordCommandOutputTests
{
    /// <summary>A password command printing without end (64 MB on each output) cannot fill memory.</summary>
    [Fact]
    public void A_password_commands_endless_output_is_kept_bounded()
    {
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var password = PasswordSource.Resolve(new RepositorySection
        {
            PasswordCommand = "echo first-line; head -c 64000000 /dev/zero | tr '\\0' x; head -c 64000000 /dev/zero >&2",
        });
        Assert.Equal("first-line", Encoding.UTF8.GetString(password));
        Assert.InRange(GC.GetTotalAllocatedBytes(precise: true) - before, 0, 16L << 20);
    }
}
