using System.CommandLine;
using Coffre.Configuration;
using Coffre.Journal;

namespace Coffre.Cli.Journal;

/// <summary>
/// Writes the run that just ended to the journal (docs/logging.md). The journal never decides how a command ends:
/// when the log folder is unknown or cannot be written, the command's result stands and stderr gets one warning.
/// </summary>
internal static class RunRecorder
{
    /// <summary>Read-only listings: recorded only when they meet a wrong password (a failed password attempt).</summary>
    private static readonly HashSet<string> Listings = ["snapshots", "ls", "cat", "list", "log", "config check", "metrics"];

    private static bool warned;

    public static void Record(ParseResult pr, RunDetails run, int exitCode, string? error)
    {
        if (Listings.Contains(run.Operation) && exitCode != ExitCodes.WrongPassword) return;
        string? folder = null;
        try
        {
            var (repository, logging) = Locate(pr, run.Repository);
            folder = LogPaths.Resolve(logging?.Path, repository);
            if (folder is null)
            {
                // A failed run has already printed its one error line (often the very reason no log folder is
                // known: no repository, a broken coffre.json); a run that succeeded is told it is not journaled.
                if (exitCode == ExitCodes.Ok)
                    Warn("this run is not recorded in a log: no repository and no logging.path are known");
                return;
            }
            new RunJournal(folder, TimeProvider.System, level: logging?.Level).Append(run.ToRecord(TimeProvider.System, repository, exitCode, error));
        }
        catch (Exception e)
        {
            Warn($"this run could not be recorded in {folder ?? "the log"}: {e.Message}");
        }
    }

    /// <summary>
    /// Records that an alert about the run could not be delivered (docs/alerts.md): operation <c>alert</c>, result
    /// <c>failed</c>, the run's own exit code (the alert did not change it), and what failed.
    /// </summary>
    public static void RecordAlertFailure(ParseResult pr, RunDetails run, int exitCode, string error)
    {
        try
        {
            var (repository, logging) = Locate(pr, run.Repository);
            if (LogPaths.Resolve(logging?.Path, repository) is not { } folder) return;
            var record = run.ToAlertFailureRecord(TimeProvider.System, repository, exitCode, error);
            new RunJournal(folder, TimeProvider.System, level: logging?.Level).Append(record);
        }
        catch (Exception e)
        {
            Warn($"an alert failure could not be recorded in the log: {e.Message}");
        }
    }

    /// <summary>The repository the run used and the configuration's logging section (null without a readable coffre.json).</summary>
    public static (string? Repository, LoggingSection? Logging) Locate(ParseResult pr, string? repository)
    {
        CoffreConfig? config = null;
        if (AppConfig.IsPresent(pr))
        {
            try { config = AppConfig.Load(pr); }
            catch (CoffreException) { } // the command reported it; the journal does what it can without it
        }
        return (repository ?? RepositoryOpener.GivenLocation(pr) ?? config?.Repository.Location, config?.Logging);
    }

    private static void Warn(string message)
    {
        if (warned) return;
        warned = true;
        Console.Error.WriteLine($"coffre: warning: {message.ReplaceLineEndings(" ")}");
    }
}
