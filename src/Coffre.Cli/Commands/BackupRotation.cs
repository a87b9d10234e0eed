using System.CommandLine;
using Coffre.Cli.Output;
using Coffre.Jobs;
using Coffre.Maintenance.Retention;

namespace Coffre.Cli.Commands;

/// <summary>
/// The rotation `coffre backup` runs after an application backup (unless --no-rotate), as the engine's
/// <see cref="Jobs.Service.ApplicationJobs.BackupAsync"/> did it (coffre.json's retention on that application's
/// snapshots; a failed rotation is a warning: the backup itself is saved), rendered.
/// </summary>
internal sealed class BackupRotation
{
    public static readonly Option<bool> NoRotate = new("--no-rotate") { Description = "Application backup: do not apply the configured retention afterwards" };

    private readonly ForgetResult? _result;
    private readonly string? _skipped;

    public BackupRotation(RotationOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        _result = outcome.Result;
        _skipped = outcome.Skipped;
    }

    /// <summary>For the backup's --json summary.</summary>
    public object ToJson() => _result is null
        ? new { skipped = _skipped }
        : new
        {
            policy = _result.Policy.ToString(),
            kept = _result.KeepCount,
            removed = _result.Removed.Select(id => id.ToString()),
        };

    public void Print(bool quiet)
    {
        if (quiet || _result is null) return;
        var removed = _result.Groups.SelectMany(g => g.Decision.Remove).ToList();
        if (removed.Count == 0)
        {
            Console.WriteLine($"rotation ({_result.Policy}): nothing to remove, {_result.KeepCount} backup(s) kept");
            return;
        }
        Console.WriteLine($"rotation ({_result.Policy}): removed {removed.Count} backup(s), kept {_result.KeepCount}:");
        foreach (var s in removed) Console.WriteLine($"  {ForgetReport.Row(s).TrimEnd()}");
        Console.WriteLine("their data stays in the repository until 'coffre prune' removes it");
    }
}
