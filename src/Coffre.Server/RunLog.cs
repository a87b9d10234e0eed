using System.Collections.Concurrent;

namespace Coffre.Server;

/// <summary>
/// The step lines the service's jobs said (<c>backup: saving media uploads</c>, <c>check: ok (exit 0)</c>), kept in
/// memory for the run pages: the last <see cref="MaxLines"/> lines since the service started. A run's lines are those
/// of its operation said between its start and its end (jobs run one at a time). The journal stays the record of
/// each run; these lines only explain it, and a run made outside this service (a cron job, the command) has none.
/// </summary>
public sealed class RunLog(TimeProvider clock)
{
    public const int MaxLines = 5000;

    /// <summary>How long after its recorded end a run may still say its ending line.</summary>
    private static readonly TimeSpan EndingSlack = TimeSpan.FromSeconds(5);

    private readonly ConcurrentQueue<(DateTimeOffset At, string Line)> lines = new();

    public void Add(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        lines.Enqueue((clock.GetUtcNow(), line.Length > 2000 ? line[..2000] + "…" : line));
        while (lines.Count > MaxLines) lines.TryDequeue(out _);
    }

    /// <summary>The lines of the run <paramref name="operation"/> that went from <paramref name="start"/> to <paramref name="end"/>, oldest first, without the operation's prefix.</summary>
    public IReadOnlyList<(DateTimeOffset At, string Line)> For(string operation, DateTimeOffset start, DateTimeOffset end)
    {
        var prefix = operation + ": ";
        return [.. lines.Where(l => l.At >= start && l.At <= end + EndingSlack && l.Line.StartsWith(prefix, StringComparison.Ordinal))
            .Select(l => (l.At, l.Line[prefix.Length..]))];
    }
}
