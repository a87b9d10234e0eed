using System.Security.Cryptography;
using Coffre.Configuration;
using Coffre.Journal;

namespace Coffre.Alerts;

/// <summary>
/// Which incidents a run that ended raises or resolves (docs/alerts.md), a pure decision: an application backup
/// opens or resolves <c>backup-failed</c> (and <c>copy-failed</c> when it has copies); a drill opens or resolves <c>drill-failed</c> and, when it passes,
/// resolves <c>repository-damaged</c>; a decryption or MAC error, damaged data, or a check that finds damage opens
/// <c>repository-damaged</c> (met by a backup or drill, it is that run's failure instead), which a clean check resolves.
/// Interrupted runs say nothing.
/// </summary>
public static class RunAlertPolicy
{
    /// <param name="error">The run's one-line error, or null.</param>
    /// <param name="failure">The exception that ended the run, or null when it ended by itself.</param>
    public static IReadOnlyList<AlertStep> Steps(RunDetails run, int exitCode, string? error, Exception? failure)
    {
        ArgumentNullException.ThrowIfNull(run);
        if (exitCode == ExitCodes.Interrupted) return [];
        var ok = exitCode == ExitCodes.Ok;
        var why = error ?? run.Problem ?? $"exit code {exitCode}";
        var steps = new List<AlertStep>();
        var damaged = failure is CryptographicException or InvalidDataException
            || (run.Operation == "check" && exitCode == ExitCodes.Fatal && failure is null && run.Problem is not null);
        switch (run.Operation)
        {
            case "backup" when run.Application is not null:
                steps.Add(new(IncidentKinds.BackupFailed, ok ? null : why));
                if (run.CopyFailed is { } copyFailed) steps.Add(new(IncidentKinds.CopyFailed, copyFailed ? run.Copies : null));
                break;
            case "drill":
                steps.Add(new(IncidentKinds.DrillFailed, ok ? null : why));
                if (ok) steps.Add(new(IncidentKinds.RepositoryDamaged, null));
                break;
            case "check" when ok:
                steps.Add(new(IncidentKinds.RepositoryDamaged, null));
                break;
        }
        if (damaged && run.Operation is not "backup" and not "drill")
            steps.Add(new(IncidentKinds.RepositoryDamaged, why));
        return steps;
    }

    /// <summary>Whether the run is an application backup that wrote a snapshot, after which the repository's free space is looked at.</summary>
    public static bool ChecksDiskSpace(RunDetails run, int exitCode)
    {
        ArgumentNullException.ThrowIfNull(run);
        return run.Operation == "backup" && run.Application is not null && exitCode is ExitCodes.Ok or ExitCodes.IncompleteSource;
    }

    /// <summary><c>disk-space-low</c> raised when the repository's file system is below the threshold, else resolved (a file system that cannot be measured counts as above it).</summary>
    public static AlertStep DiskStep(AlertsSection alerts, string repository)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        string? problem;
        try { problem = DiskSpaceThreshold.Problem(repository, alerts.DiskFreeThresholdPercent, alerts.DiskFreeThresholdBytes); }
        catch (IOException) { problem = null; }
        return new(IncidentKinds.DiskSpaceLow, problem);
    }
}
