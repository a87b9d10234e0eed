using System.CommandLine;
using System.Security.Cryptography;
using Coffre.Alerts;
using Coffre.Configuration;
using Coffre.Journal;
using Coffre.Platform;

namespace Coffre.Cli.Journal;

/// <summary>
/// Raises and resolves incidents after a run (docs/alerts.md), when coffre.json configures alerts:
/// an application backup opens or resolves <c>backup-failed</c> and, once it wrote a snapshot, checks the
/// repository's free space (<c>disk-space-low</c>); a drill opens or resolves <c>drill-failed</c>; a decryption or
/// MAC error, damaged data or a check that finds damage opens <c>repository-damaged</c>, which a clean check or
/// drill resolves. An alert never changes how the command ends: a delivery that fails is one warning on stderr
/// and an <c>alert failed</c> record in the journal.
/// </summary>
internal static class RunAlerts
{
    private static bool warned;

    public static async Task AfterRunAsync(ParseResult pr, RunContext run, int exitCode, string? error, Exception? failure, CancellationToken ct)
    {
        if (exitCode == ExitCodes.Interrupted || ct.IsCancellationRequested) return;
        try
        {
            var steps = Steps(run, exitCode, error, failure);
            if (steps.Count == 0 || !AppConfig.IsPresent(pr)) return;
            CoffreConfig config;
            try { config = AppConfig.Load(pr); }
            catch (CoffreException) { return; } // the command reported it; without a configuration there is nobody to tell
            var channels = AlertChannels.FromConfig(config.Alerts);
            var application = run.Application ?? config.Application;
            if (channels.Count == 0 || application is null) return;

            var repository = run.Repository ?? RepositoryOpener.GivenLocation(pr) ?? config.Repository.Path;
            var folder = LogPaths.Resolve(config.Logging.Path, repository);
            if (folder is null) return;
            var alerter = new Alerter(new IncidentStore(folder), channels, new AlertSender(AlertChannels.RetryDelays(config.Alerts)), TimeProvider.System, Posix.GetHostName());

            if (run.Operation == "backup" && run.Application is not null && exitCode is ExitCodes.Ok or ExitCodes.IncompleteSource && repository is not null)
                steps.Add(DiskStep(config.Alerts, repository));

            var failures = new List<string>();
            foreach (var (kind, message) in steps)
            {
                var report = message is null
                    ? await alerter.ResolveAsync(kind, application, ct)
                    : await alerter.RaiseAsync(kind, application, LogLine.OneLine(message), ct);
                failures.AddRange(report.Failures.Select(f => $"{kind}: {f}"));
            }
            if (failures.Count > 0)
            {
                Warn($"alert not delivered: {string.Join("; ", failures)}");
                RunRecorder.RecordAlertFailure(pr, run, exitCode, $"not delivered: {string.Join("; ", failures)}");
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        catch (Exception e)
        {
            Warn($"alerts could not be processed: {e.Message}");
            RunRecorder.RecordAlertFailure(pr, run, exitCode, $"could not be processed: {e.Message}");
        }
    }

    /// <summary>What the run says about each condition: (kind, message) raises, (kind, null) resolves.</summary>
    private static List<(string Kind, string? Message)> Steps(RunContext run, int exitCode, string? error, Exception? failure)
    {
        var ok = exitCode == ExitCodes.Ok;
        var why = error ?? run.Problem ?? $"exit code {exitCode}";
        var steps = new List<(string, string?)>();
        var damaged = failure is CryptographicException or InvalidDataException
            || (run.Operation == "check" && exitCode == ExitCodes.Fatal && failure is null && run.Problem is not null);
        switch (run.Operation)
        {
            case "backup" when run.Application is not null:
                steps.Add((IncidentKinds.BackupFailed, ok ? null : why));
                break;
            case "drill":
                steps.Add((IncidentKinds.DrillFailed, ok ? null : why));
                if (ok) steps.Add((IncidentKinds.RepositoryDamaged, null));
                break;
            case "check" when ok:
                steps.Add((IncidentKinds.RepositoryDamaged, null));
                break;
        }
        if (damaged && run.Operation is not "backup" and not "drill")
            steps.Add((IncidentKinds.RepositoryDamaged, why));
        return steps;
    }

    private static (string Kind, string? Message) DiskStep(AlertsSection a, string repository)
    {
        string? problem;
        try { problem = DiskSpaceThreshold.Problem(repository, a.DiskFreeThresholdPercent, a.DiskFreeThresholdBytes); }
        catch (IOException) { problem = null; }
        return (IncidentKinds.DiskSpaceLow, problem);
    }

    private static void Warn(string message)
    {
        if (warned) return;
        warned = true;
        Console.Error.WriteLine($"coffre: warning: {message.ReplaceLineEndings(" ")}");
    }
}
