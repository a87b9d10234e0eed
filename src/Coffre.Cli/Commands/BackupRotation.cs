using System.CommandLine;
using Coffre.Cli.Output;
using Coffre.Jobs;
using Coffre.Maintenance.Retention;

namespace Coffre.Cli.Commands;

/// <summary>
/// The rotation `coffre backup` runs after an application backup (unless --no-rotate): coffre.json's retention on
/// that application's snapshots (<see cref="BackupManager.RotateAfterBackupAsync"/>). A failed rotation is a
/// warning: the backup itself is saved.
/// </summary>
internal sealed class BackupRotation
{
    public static readonly Option<bool> NoRotate = new("--no-rotate") { Description = "Application backup: do not apply the configured retention afterwards" };

    private readonly ForgetResult? _result;
    private readonly string? _skipped;

    private BackupRotation(RotationOutcome outcome)
    {
        _result = outcome.Result;
        _skipped = outcome.Skipped;
    }

    public static async Task<BackupRotation> RunAsync(ParseResult pr, BackupManager manager, string? destination, ApplicationBackupResult backup, CancellationToken ct)
    {
        if (pr.GetValue(NoRotate)) return new(RotationOutcome.Skip("--no-rotate"));
        var outcome = await manager.RotateAfterBackupAsync(destination, backup, ct);
        if (outcome.Warning is { } warning) Console.Error.WriteLine($"coffre: warning: {warning}");
        return new(outcome);
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
