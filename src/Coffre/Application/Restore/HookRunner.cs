using Coffre.Sources;

namespace Coffre.Application.Restore;

/// <summary>
/// Runs a configured hook (<c>/bin/sh -c</c>, e.g. <c>systemctl stop boutique</c>); a non-zero exit code is an error
/// naming the hook. The hook sees the minimal environment (<see cref="ChildEnvironment.Hook"/>): no password variable
/// of Coffre's reaches it.
/// </summary>
public static class HookRunner
{
    public static async Task RunAsync(string key, string command, CancellationToken ct)
    {
        var result = await ProcessRunner.RunAsync("/bin/sh", ["-c", command], [], ct, inherit: ChildEnvironment.Hook).ConfigureAwait(false);
        if (result.ExitCode == 0) return;
        var said = result.Stderr.Trim().Split('\n').LastOrDefault(l => l.Trim().Length > 0)?.Trim();
        throw new CoffreException($"the {key} hook failed (exit code {result.ExitCode}{(said is null ? "" : ": " + said)}); fix it in the configuration (hooks.{key}) and run the restore again");
    }
}
