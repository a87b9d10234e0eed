using Coffre.Journal;

namespace Coffre.Server;

/// <summary>
/// The journal as the service's pages and /health read it: the run history remembered between requests
/// (<see cref="RunHistoryReader"/>: only what was appended is read again, a roll or a truncation reads it afresh, and at
/// most the newest <see cref="RunHistoryReader.DefaultMaxRuns"/> runs are kept, so a 100,000-line journal costs neither
/// a read per request nor unbounded memory). The same list is handed out until a run is appended.
/// </summary>
public sealed class JournalReader(ServerSetup setup)
{
    private readonly RunHistoryReader? history = setup.LogFolder is { } folder ? new RunHistoryReader(folder) : null;

    /// <summary>Every recorded run, oldest first.</summary>
    public IReadOnlyList<RunRecord> History() => history?.Read() ?? [];
}
