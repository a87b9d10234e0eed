using Coffre.IntegrationTests.Infrastructure;

namespace Coffre.IntegrationTests.Emergency;

/// <summary>
/// Runs the ```sh blocks of one section of docs/emergency.md with bash, as an administrator would type them in
/// one shell: the variables block first (with the fixture's values already exported, which it keeps), then each
/// block in order, each under <c>set -euo pipefail</c> (a command that fails stops its block with its exit code).
/// What a block exports (the recovery code read by <c>read</c>) is carried to the next ones, as in one shell.
/// <c>coffre</c> on the PATH is the command under test (dotnet coffre.dll, with the test hook that makes new keys
/// cheap); <c>systemctl</c> is a stand-in that only records what it was asked (the tests have no application service).
/// </summary>
internal sealed class RunbookShell
{
    private readonly TestDirectory _dir;
    private readonly string _bin;
    private readonly string _state;
    private readonly Dictionary<string, string?> _environment;

    public RunbookShell(TestDirectory dir, IReadOnlyDictionary<string, string> variables)
    {
        _dir = dir;
        _bin = dir.CreateSub("runbook-bin");
        _state = dir.Sub("runbook-state.sh");
        SystemctlLog = dir.Sub("systemctl.log");
        WorkingDirectory = dir.CreateSub("runbook-cwd");
        Script("coffre", $"exec {Quote(CoffreRunner.DotnetHost)} {Quote(CoffreRunner.CoffreDll)} \"$@\"");
        Script("systemctl", $"printf '%s\\n' \"$*\" >> {Quote(SystemctlLog)}");
        _environment = new Dictionary<string, string?>
        {
            ["PATH"] = _bin + ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            ["COFFRE_REPOSITORY"] = null,
            ["COFFRE_PASSWORD"] = null,
            ["COFFRE_PASSWORD_FILE"] = null,
            ["COFFRE_DEBUG"] = null,
            ["DOTNET_STARTUP_HOOKS"] = CoffreRunner.TestHooksDll,
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
        };
        foreach (var (k, v) in variables) _environment[k] = v;
    }

    /// <summary>What the systemctl stand-in was asked, one call a line.</summary>
    public string SystemctlLog { get; }

    public string WorkingDirectory { get; }

    /// <summary>What the administrator types when a block reads from the terminal (<c>read</c>); null: nothing.</summary>
    public string? Typed { get; set; }

    public IReadOnlyList<string> SystemctlCalls => File.Exists(SystemctlLog) ? File.ReadAllLines(SystemctlLog) : [];

    /// <summary>
    /// Runs every block of <paramref name="title"/> in order; each must end with its expected exit code (a block
    /// that stops early on a failing command ends with that command's code), else the test fails naming it.
    /// </summary>
    public List<ProcessResult> RunSection(EmergencyRunbook book, string title, params int[] expectedExitCodes)
    {
        var section = book.Section(title);
        Assert.True(section.Blocks.Count == expectedExitCodes.Length,
            $"docs/emergency.md '{title}' has {section.Blocks.Count} sh blocks, the test expects {expectedExitCodes.Length}: update both together");
        var results = new List<ProcessResult>();
        for (var i = 0; i < section.Blocks.Count; i++)
        {
            var r = Run(book.Variables, section.Blocks[i]);
            Assert.True(r.ExitCode == expectedExitCodes[i], $"{section.Blocks[i]}: expected exit code {expectedExitCodes[i]}\n{section.Blocks[i].Text}\n{r.Describe()}");
            results.Add(r);
        }
        return results;
    }

    public ProcessResult Run(RunbookBlock variables, RunbookBlock block)
    {
        string? typed = null;
        if (Typed is { } text)
        {
            typed = _dir.Sub("typed");
            File.WriteAllText(typed, text + "\n");
        }
        var script = string.Join('\n',
            "set -euo pipefail",
            $"if [ -f {Quote(_state)} ]; then . {Quote(_state)}; fi",
            $"trap 'export -p > {Quote(_state)}' EXIT",
            typed is null ? "exec 0</dev/null" : $"exec 0<{Quote(typed)}",
            variables.Text,
            block.Text);
        return ProcessRunner.Run("/bin/bash", ["-c", script], _environment, TimeSpan.FromMinutes(5), WorkingDirectory);
    }

    private void Script(string name, string body)
    {
        var path = Path.Combine(_bin, name);
        File.WriteAllText(path, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
    }

    private static string Quote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
