using Coffre.Journal;
using Coffre.Scheduling;

namespace Coffre.Jobs.Service;

/// <summary>
/// How a job ended: the exit code of the CLI's contract (0 ok, 1 fatal, 3 incomplete source, 10 no repository,
/// 11 locked, 12 wrong password, 130 interrupted), its one-line error (null when it ended ok), and the record the
/// journal got (start, end, snapshot, sizes, what a drill checked...).
/// </summary>
public sealed record JobResult(JobKind Kind, int ExitCode, string? Error, RunRecord Record)
{
    public bool Ok => ExitCode == ExitCodes.Ok;
}
