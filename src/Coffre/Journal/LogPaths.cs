namespace Coffre.Journal;

/// <summary>
/// Where the journal lives (docs/logging.md): the configuration's <c>logging.path</c> when it sets one, else a
/// <c>logs</c> folder in the state folder (<see cref="Storage.StateFolder"/>): beside a local repository's folder
/// (<c>/srv/boutique/backups</c> logs to <c>/srv/boutique/logs</c>), under $XDG_STATE_HOME for a remote one.
/// Beside, not inside: the repository folder holds only what restic's format defines.
/// </summary>
public static class LogPaths
{
    public const string FolderName = "logs";

    /// <summary>The human-readable log of today; older days are <c>backup-YYYYMMDD.log</c>.</summary>
    public const string LogFile = "backup.log";

    /// <summary>One JSON object per run (JSON Lines), for <c>coffre log</c>, metrics and the dashboard.</summary>
    public const string HistoryFile = "history.jsonl";

    /// <summary>The dashboard's sign-ins (<see cref="SignInJournal"/>), apart from the runs: anyone can try to log in.</summary>
    public const string SignInFile = "logins.jsonl";

    /// <summary>The log folder, or null when neither a configured folder nor a repository is known.</summary>
    /// <param name="repository">The repository's location (a path or a remote location).</param>
    public static string? Resolve(string? configuredFolder, string? repository)
    {
        if (!string.IsNullOrWhiteSpace(configuredFolder)) return Path.GetFullPath(configuredFolder);
        return Storage.StateFolder.Resolve(null, repository) is { } state ? Path.Combine(state, FolderName) : null;
    }
}
