using System.Text.Json;

namespace Coffre.IntegrationTests.Infrastructure;

/// <summary>
/// Runs the real <c>coffre</c> command (<c>dotnet coffre.dll</c>, built beside the tests) with a clean
/// environment: the repository in COFFRE_REPOSITORY (when set), the password in COFFRE_PASSWORD (when set),
/// fast key derivation (tests/Coffre.TestHooks loaded as a .NET startup hook), no terminal. Optionally as another user (nobody) through setpriv.
/// </summary>
internal sealed class CoffreRunner(string? repository, string? password = TestPasswords.Default)
{
    public string? Repository { get; init; } = repository;
    public string? Password { get; init; } = password;

    /// <summary>Extra environment variables (null removes one).</summary>
    public Dictionary<string, string?> Environment { get; } = [];

    /// <summary>The working directory of the command (default: the temp folder).</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Run as uid/gid 65534 (nobody), through setpriv.</summary>
    public bool AsNobody { get; init; }

    public static string CoffreDll => Path.Combine(AppContext.BaseDirectory, "coffre.dll");

    /// <summary>The startup hook that gives the command's new keys cheap scrypt parameters (tests/Coffre.TestHooks).</summary>
    public static string TestHooksDll => Path.Combine(AppContext.BaseDirectory, "Coffre.TestHooks.dll");

    /// <summary>The dotnet host that runs the tests (absolute, so it also works for another user).</summary>
    public static string DotnetHost
    {
        get
        {
            var fromSdk = System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
            if (!string.IsNullOrEmpty(fromSdk) && File.Exists(fromSdk)) return fromSdk;
            var self = System.Environment.ProcessPath;
            if (self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet") return self;
            foreach (var dir in (System.Environment.GetEnvironmentVariable("PATH") ?? "").Split(':'))
            {
                var candidate = Path.Combine(dir, "dotnet");
                if (File.Exists(candidate)) return candidate;
            }
            return "dotnet";
        }
    }

    public ProcessResult Run(params string[] args) => Run(ProcessRunner.DefaultTimeout, args);

    public ProcessResult Run(TimeSpan timeout, params string[] args)
    {
        var (file, arguments) = CommandLine(args);
        return ProcessRunner.Run(file, arguments, BuildEnvironment(args), timeout, WorkingDirectory);
    }

    public RunningProcess Start(params string[] args)
    {
        var (file, arguments) = CommandLine(args);
        return ProcessRunner.Start(file, arguments, BuildEnvironment(args), WorkingDirectory);
    }

    /// <summary>Runs a command that must succeed (exit 0) and returns its result.</summary>
    public ProcessResult Ok(params string[] args)
    {
        var r = Run(args);
        Assert.True(r.ExitCode == 0, $"expected exit code 0\n{r.Describe()}");
        return r;
    }

    /// <summary>Runs a command with --json that must succeed and parses its stdout.</summary>
    public JsonElement Json(params string[] args)
    {
        var r = Ok([.. args, "--json"]);
        try
        {
            using var doc = JsonDocument.Parse(r.StdOut);
            return doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new Xunit.Sdk.XunitException($"stdout is not one JSON value ({e.Message})\n{r.Describe()}");
        }
    }

    public void Init() => Ok("init");

    /// <summary>backup --json of the given paths (exit 0 required); the summary object.</summary>
    public BackupSummary Backup(params string[] pathsAndOptions) => BackupSummary.From(Json(["backup", .. pathsAndOptions]));

    /// <summary>The snapshots, oldest first (snapshots --json).</summary>
    public List<JsonElement> Snapshots() => [.. Json("snapshots").EnumerateArray()];

    public ProcessResult Restore(string snapshot, string target, params string[] options) => Ok(["restore", snapshot, "--target", target, .. options]);

    private (string File, List<string> Arguments) CommandLine(string[] args)
    {
        var arguments = new List<string>();
        string file;
        if (AsNobody)
        {
            file = "/usr/bin/setpriv";
            arguments.AddRange(["--reuid=65534", "--regid=65534", "--clear-groups", "--", DotnetHost]);
        }
        else file = DotnetHost;
        arguments.Add(CoffreDll);
        arguments.AddRange(args);
        return (file, arguments);
    }

    /// <summary>
    /// Only commands that create key files (init, key …) get the startup hook: loading it costs about 0.1 s per
    /// command, more than the cheap keys save on the others.
    /// </summary>
    private Dictionary<string, string?> BuildEnvironment(string[] args)
    {
        var env = new Dictionary<string, string?>
        {
            ["COFFRE_REPOSITORY"] = Repository,
            ["COFFRE_PASSWORD"] = Password,
            ["COFFRE_PASSWORD_FILE"] = null,
            ["COFFRE_DEBUG"] = null,
            ["DOTNET_STARTUP_HOOKS"] = args.Any(a => a is "init" or "key") ? TestHooksDll : null,
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
        };
        if (AsNobody)
        {
            env["HOME"] = "/tmp";
            env["DOTNET_EnableDiagnostics"] = "0"; // no IPC socket in a folder nobody cannot write
        }
        foreach (var (k, v) in Environment) env[k] = v;
        return env;
    }
}

/// <summary>The fields of <c>coffre backup --json</c> the tests look at.</summary>
internal sealed record BackupSummary(string SnapshotId, long FilesNew, long FilesChanged, long FilesUnmodified, long DataBlobs, long TreeBlobs, long DataAdded, long Errors)
{
    public static BackupSummary From(JsonElement e) => new(
        e.GetProperty("snapshot_id").GetString()!,
        e.GetProperty("files_new").GetInt64(),
        e.GetProperty("files_changed").GetInt64(),
        e.GetProperty("files_unmodified").GetInt64(),
        e.GetProperty("data_blobs").GetInt64(),
        e.GetProperty("tree_blobs").GetInt64(),
        e.GetProperty("data_added").GetInt64(),
        e.GetProperty("errors").GetInt64());
}

internal static class TestPasswords
{
    /// <summary>Non-ASCII on purpose: both tools must use the same UTF-8 bytes.</summary>
    public const string Default = "pässwörd mit Ümläuten ✓";
}
