using System.Text.Json;

namespace Coffre.IntegrationTests.Infrastructure;

/// <summary>Runs Debian's restic (0.14) on a repository: RESTIC_PASSWORD in the environment, --no-cache, no terminal.</summary>
internal sealed class ResticRunner(string repository, string password = TestPasswords.Default)
{
    public const string Executable = "/usr/bin/restic";

    public string Repository { get; } = repository;

    /// <summary>The working directory of the command (default: the temp folder).</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Extra environment variables (null removes one).</summary>
    public Dictionary<string, string?> Environment { get; } = [];

    public ProcessResult Run(params string[] args)
    {
        var env = new Dictionary<string, string?>
        {
            ["RESTIC_PASSWORD"] = password,
            ["RESTIC_REPOSITORY"] = null,
            ["RESTIC_PASSWORD_FILE"] = null,
            ["RESTIC_PASSWORD_COMMAND"] = null,
            ["RESTIC_CACHE_DIR"] = null,
        };
        foreach (var (k, v) in Environment) env[k] = v;
        return ProcessRunner.Run(Executable, ["--no-cache", "-r", Repository, .. args], env, workingDirectory: WorkingDirectory);
    }

    public ProcessResult Ok(params string[] args)
    {
        var r = Run(args);
        Assert.True(r.ExitCode == 0, $"restic failed\n{r.Describe()}");
        return r;
    }

    /// <summary><c>restic check --read-data</c> must pass: every pack re-hashed, every blob decrypted and verified.</summary>
    public void AssertCheckReadData()
    {
        var r = Run("check", "--read-data");
        Assert.True(r.ExitCode == 0 && r.StdOut.Contains("no errors were found", StringComparison.Ordinal),
            $"restic check --read-data does not accept the repository\n{r.Describe()}");
    }

    /// <summary><c>restic backup --json</c>; returns the final summary message.</summary>
    public JsonElement Backup(params string[] pathsAndOptions)
    {
        var r = Ok(["backup", "--json", .. pathsAndOptions]);
        foreach (var line in r.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries).Reverse())
        {
            if (!line.TrimStart().StartsWith('{')) continue;
            using var doc = JsonDocument.Parse(line);
            if (doc.RootElement.TryGetProperty("message_type", out var t) && t.GetString() == "summary")
                return doc.RootElement.Clone();
        }
        throw new Xunit.Sdk.XunitException($"restic backup printed no summary\n{r.Describe()}");
    }

    public List<JsonElement> Snapshots()
    {
        var r = Ok("snapshots", "--json");
        using var doc = JsonDocument.Parse(r.StdOut);
        return [.. doc.RootElement.EnumerateArray().Select(e => e.Clone())];
    }
}

/// <summary>The check every scenario ends with: restic itself accepts the repository Coffre wrote.</summary>
internal static class Restic
{
    public static void AssertCheckReadData(string repository, string password = TestPasswords.Default)
        => new ResticRunner(repository, password).AssertCheckReadData();
}
