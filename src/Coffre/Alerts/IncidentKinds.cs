namespace Coffre.Alerts;

/// <summary>
/// What can go wrong, as an incident's <see cref="Incident.Kind"/> (docs/alerts.md). An incident is open while its
/// condition lasts; the next run that finds the condition gone resolves it.
/// </summary>
public static class IncidentKinds
{
    /// <summary>An application backup failed or was incomplete; resolved by the next complete backup.</summary>
    public const string BackupFailed = "backup-failed";

    /// <summary>A restore drill failed; resolved by the next drill that passes.</summary>
    public const string DrillFailed = "drill-failed";

    /// <summary>The repository's file system has less free space than the threshold after a backup.</summary>
    public const string DiskSpaceLow = "disk-space-low";

    /// <summary>An application backup could not be copied to one of its copies (coffre.json <c>copies</c>); resolved by the next backup copied everywhere.</summary>
    public const string CopyFailed = "copy-failed";

    /// <summary>A wrong key, a decryption or MAC error, damaged repository data met by another command (check, restore...).</summary>
    public const string RepositoryDamaged = "repository-damaged";

    /// <summary>Repeated failed logins to the web dashboard (raised by the web host).</summary>
    public const string LoginFailures = "login-failures";

    public static IReadOnlyList<string> All { get; } = [BackupFailed, DrillFailed, DiskSpaceLow, RepositoryDamaged, LoginFailures, CopyFailed];

    /// <summary>A short title, e.g. "backup of boutique failed".</summary>
    public static string Title(string kind, string application) => kind switch
    {
        BackupFailed => $"backup of {application} failed",
        DrillFailed => $"restore drill of {application} failed",
        DiskSpaceLow => $"low disk space for the backups of {application}",
        RepositoryDamaged => $"repository of {application}: wrong key or damaged data",
        LoginFailures => $"repeated failed logins to the Coffre dashboard of {application}",
        CopyFailed => $"a backup of {application} was not copied everywhere",
        _ => $"{kind} ({application})",
    };

    /// <summary>The title of the message that says the condition is over, e.g. "backup of boutique works again".</summary>
    public static string ResolvedTitle(string kind, string application) => kind switch
    {
        BackupFailed => $"backup of {application} works again",
        DrillFailed => $"restore drill of {application} passes again",
        DiskSpaceLow => $"disk space for the backups of {application} is back above the threshold",
        RepositoryDamaged => $"repository of {application} reads correctly again",
        LoginFailures => $"failed logins to the Coffre dashboard of {application} stopped",
        CopyFailed => $"backups of {application} reach every copy again",
        _ => $"{kind} ({application}) resolved",
    };
}
