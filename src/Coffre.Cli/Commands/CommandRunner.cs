using System.CommandLine;
using Coffre.Cli.Journal;

namespace Coffre.Cli.Commands;

/// <summary>
/// Runs a command body: maps its exceptions to the exit-code contract, and journals the run (docs/logging.md) with
/// its operation (the command's name), duration, result, exit code and error, plus what the body added to
/// <see cref="RunContext.Current"/>. Every command set up here is journaled; nothing else needs to be done for it.
/// Then the alerts (docs/alerts.md) raise or resolve the incidents the run speaks for.
/// </summary>
internal static class CommandRunner
{
    public static void SetAction(Command command, Func<ParseResult, CancellationToken, Task<int>> body) =>
        command.SetAction(async (pr, ct) =>
        {
            var run = RunContext.Begin(OperationName(pr.CommandResult), TimeProvider.System);
            int code;
            string? error = null;
            Exception? failure = null;
            try { code = await body(pr, ct); }
            catch (Exception e) { code = ErrorReporter.Report(e, ct.IsCancellationRequested, out var message); error = message; failure = e; }
            RunRecorder.Record(pr, run, code, error);
            await RunAlerts.AfterRunAsync(pr, run, code, error, failure, ct); // never changes the exit code
            return code;
        });

    /// <summary>The command's name with its parents below the root: <c>backup</c>, <c>config check</c>.</summary>
    private static string OperationName(System.CommandLine.Parsing.CommandResult result)
    {
        var names = new List<string>();
        for (var r = result; r is not null && r.Command is not RootCommand; r = r.Parent as System.CommandLine.Parsing.CommandResult)
            names.Insert(0, r.Command.Name);
        return string.Join(' ', names);
    }
}
