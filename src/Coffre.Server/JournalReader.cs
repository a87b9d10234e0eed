using Coffre.Journal;

namespace Coffre.Server;

/// <summary>
/// The journal as the service's pages read it: the run history remembered between requests
/// (<see cref="RunHistoryReader"/>: only what was appended is read again), and the tail of the sign-ins.
/// </summary>
public sealed class JournalReader(ServerSetup setup)
{
    private readonly RunHistoryReader? history = setup.LogFolder is { } folder ? new RunHistoryReader(folder) : null;

    /// <summary>Every recorded run, oldest first.</summary>
    public IReadOnlyList<RunRecord> History() => history?.Read() ?? [];
}
