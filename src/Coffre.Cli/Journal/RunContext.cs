using Coffre.Journal;

namespace Coffre.Cli.Journal;

/// <summary>
/// The run of the command executing now (<see cref="RunDetails"/>, per async flow). <see cref="Commands.CommandRunner"/>
/// begins it and records it at the end (result, exit code, error, duration); a command adds what only it knows in
/// one line: <c>RunContext.Current.Snapshot(id, added, processed, files)</c>, <c>RunContext.Current.ForApplication(config, dest)</c>.
/// </summary>
internal static class RunContext
{
    private static readonly AsyncLocal<RunDetails?> current = new();

    /// <summary>The run in progress (a detached one outside <see cref="Commands.CommandRunner"/>, which nobody records).</summary>
    public static RunDetails Current => current.Value ??= RunDetails.Detached();

    public static RunDetails Begin(string operation, TimeProvider clock) => current.Value = RunDetails.Begin(operation, clock);
}
