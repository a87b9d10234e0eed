using Coffre.Alerts;
using Coffre.Configuration;
using Coffre.Maintenance;
using Coffre.Platform;

namespace Coffre.Health;

/// <summary>Free space on the file system where the repository lives.</summary>
public static class DiskRule
{
    /// <summary>Without a configured threshold (alerts.diskFreeThresholdPercent/Bytes), less than this share free needs attention.</summary>
    public const double DefaultAttentionPercent = 5;

    /// <summary>Less than this share free (or less than <see cref="FailingBytes"/>) fails: the next backup will not fit.</summary>
    public const double FailingPercent = 1;

    public const long FailingBytes = 256L << 20;

    /// <summary>The space of the repository's file system, or null when it cannot be measured (the folder is missing: another finding says so).</summary>
    /// <remarks>The one place health asks for capacity: a remote backend's capacity query replaces it.</remarks>
    public static FileSystemSpace? Space(string repository)
    {
        try { return Directory.Exists(repository) ? Posix.StatFileSystem(UnixPath.FromString(repository)) : null; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    public static IReadOnlyList<HealthFinding> Find(FileSystemSpace? space, string repository, AlertsSection alerts)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        if (space is not { } s) return [];
        var fix = "free space on that disk or move the repository; 'coffre forget' + 'coffre prune' remove old backups (docs/prune.md)";
        if (DiskSpaceThreshold.Problem(s, repository, FailingPercent, FailingBytes) is not null)
            return [HealthFinding.Failing("disk-full", $"the disk of the repository {repository} is almost full: {ByteSize.Format(s.Available)} free of {ByteSize.Format(s.Total)}", fix)];
        var percent = alerts.DiskFreeThresholdPercent ?? (alerts.DiskFreeThresholdBytes is null ? DefaultAttentionPercent : null);
        if (DiskSpaceThreshold.Problem(s, repository, percent, alerts.DiskFreeThresholdBytes) is { } low)
            return [HealthFinding.Attention("disk-low", low, fix)];
        return [];
    }
}
