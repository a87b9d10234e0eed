using System.CommandLine;
using Coffre.Cli.Journal;
using Coffre.Jobs.Service;

namespace Coffre.Cli.Commands;

/// <summary>
/// Runs a command body through the engine's <see cref="JobRun"/>, as the service runs its jobs: its exceptions map
/// to the exit-code contract (the error is printed here), the run is journaled (docs/logging.md) with its operation
/// (the command's name), duration, result, exit code and error, plus what the body added to
/// <see cref="RunContext.Current"/>, then the alerts (docs/alerts.md) raise or resolve the incidents it speaks for.
/// Every command set up here is journaled; nothing else needs to be done for it. The CLI only renders.
/// </summary>
internal static class CommandRunner
{
    /// <summary>Read-only listings: recorded only when they meet a wrong password (a failed password attempt).</summary>
    private static readonly HashSet<string> Listings = ["snapshots", "ls", "cat", "list", "log", "config check", "metrics"];

    private static readonly HashSet<string> warned = [];

    public static void SetAction(Command command, Func<ParseResult, CancellationToken, Task<int>> body) =>
        command.SetAction(async (pr, ct) =>
        {
            var run = RunContext.Begin(OperationName(pr.CommandResult), TimeProvider.System);
            var ending = await new JobRun
            {
                ConfigAfterWork = () => RunLocation.Config(pr),
                Warn = Warn,
                Failed = (e, _) => ErrorReporter.Report(e, ct.IsCancellationRequested),
                RecordOnlyWrongPassword = Listings.Contains(run.Operation),
            }.RunAsync(run, RepositoryOpener.GivenLocation(pr), c => body(pr, c), ct);
            return ending.ExitCode;
        });

    /// <summary>The command's name with its parents below the root: <c>backup</c>, <c>config check</c>.</summary>
    private static string OperationName(System.CommandLine.Parsing.CommandResult result)
    {
        var names = new List<string>();
        for (var r = result; r is not null && r.Command is not RootCommand; r = r.Parent as System.CommandLine.Parsing.CommandResult)
            names.Insert(0, r.Command.Name);
        return string.Join(' ', names);
    }

    private static void Warn(string message)
    {
        lock (warned) if (!warned.Add(message)) return;
        Console.Error.WriteLine($"coffre: warning: {message.ReplaceLineEndings(" ")}");
    }
}
