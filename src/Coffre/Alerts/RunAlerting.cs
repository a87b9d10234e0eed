using Coffre.Configuration;
using Coffre.Journal;
using Coffre.Platform;

namespace Coffre.Alerts;

/// <summary>
/// Raises and resolves the incidents a run speaks for (<see cref="RunAlertPolicy"/>) through the channels of the
/// configuration's <c>alerts</c>, after the run was journaled. Never throws and never changes how the run ended:
/// what went wrong comes back as an <see cref="AlertTrouble"/> for the host to warn about and journal.
/// </summary>
public static class RunAlerting
{
    /// <param name="repository">The repository the run used (its log folder holds incidents.json).</param>
    /// <param name="environment">Where header and SMTP password variables are read (null: the process environment).</param>
    public static async Task<AlertTrouble?> AfterRunAsync(CoffreConfig config, RunDetails run, string? repository, int exitCode, string? error,
        Exception? failure, IDictionary<string, string?>? environment, TimeProvider clock, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(run);
        if (exitCode == ExitCodes.Interrupted || ct.IsCancellationRequested) return null;
        try
        {
            var steps = RunAlertPolicy.Steps(run, exitCode, error, failure).ToList();
            var channels = steps.Count == 0 ? [] : AlertChannels.FromConfig(config.Alerts, environment);
            var application = run.Application ?? config.Application;
            if (channels.Count == 0 || application is null) return null;
            if (LogPaths.Resolve(config.Logging.Path, repository) is not { } folder) return null;
            var alerter = new Alerter(new IncidentStore(folder), channels, new AlertSender(AlertChannels.RetryDelays(config.Alerts)), clock, Posix.GetHostName());
            if (RunAlertPolicy.ChecksDiskSpace(run, exitCode) && repository is not null)
                steps.Add(RunAlertPolicy.DiskStep(config.Alerts, repository));

            var failures = new List<string>();
            foreach (var step in steps)
            {
                var report = step.Message is null
                    ? await alerter.ResolveAsync(step.Kind, application, ct).ConfigureAwait(false)
                    : await alerter.RaiseAsync(step.Kind, application, LogLine.OneLine(step.Message), ct).ConfigureAwait(false);
                failures.AddRange(report.Failures.Select(f => $"{step.Kind}: {f}"));
            }
            return failures.Count == 0 ? null : new AlertTrouble($"alert not delivered: {string.Join("; ", failures)}", $"not delivered: {string.Join("; ", failures)}");
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { return null; }
        catch (Exception e)
        {
            return new AlertTrouble($"alerts could not be processed: {e.Message}", $"could not be processed: {e.Message}");
        }
    }
}

/// <summary>Alerts that went wrong: <paramref name="Warning"/> for the host's output, <paramref name="JournalError"/> for the <c>alert failed</c> record.</summary>
public sealed record AlertTrouble(string Warning, string JournalError);
