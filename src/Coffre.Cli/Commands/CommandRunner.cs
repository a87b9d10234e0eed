using System.CommandLine;

namespace Coffre.Cli.Commands;

/// <summary>Runs a command body and maps its exceptions to the exit-code contract.</summary>
internal static class CommandRunner
{
    public static void SetAction(Command command, Func<ParseResult, CancellationToken, Task<int>> body) =>
        command.SetAction(async (pr, ct) =>
        {
            try { return await body(pr, ct); }
            catch (Exception e) { return ErrorReporter.Report(e, ct.IsCancellationRequested); }
        });
}
