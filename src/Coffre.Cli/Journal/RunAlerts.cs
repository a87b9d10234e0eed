using System.CommandLine;
using Coffre.Alerts;
using Coffre.Configuration;
using Coffre.Journal;

namespace Coffre.Cli.Journal;

/// <summary>
/// Raises and resolves incidents after a command (docs/alerts.md), when coffre.json configures alerts, with the
/// engine's <see cref="RunAlerting"/>. An alert never changes how the command ends: a delivery that fails is one
/// warning on stderr and an <c>alert failed</c> record in the journal.
/// </summary>
internal static class RunAlerts
{
    private static bool warned;

    public static async Task AfterRunAsync(ParseResult pr, RunDetails run, int exitCode, string? error, Exception? failure, CancellationToken ct)
    {
        if (exitCode == ExitCodes.Interrupted || ct.IsCancellationRequested || !AppConfig.IsPresent(pr)) return;
        if (RunAlertPolicy.Steps(run, exitCode, error, failure).Count == 0) return;
        CoffreConfig config;
        try { config = AppConfig.Load(pr); }
        catch (CoffreException) { return; } // the command reported it; without a configuration there is nobody to tell
        var repository = run.Repository ?? RepositoryOpener.GivenLocation(pr) ?? config.Repository.Location;
        if (await RunAlerting.AfterRunAsync(config, run, repository, exitCode, error, failure, null, TimeProvider.System, ct) is not { } trouble) return;
        Warn(trouble.Warning);
        RunRecorder.RecordAlertFailure(pr, run, exitCode, trouble.JournalError);
    }

    private static void Warn(string message)
    {
        if (warned) return;
        warned = true;
        Console.Error.WriteLine($"coffre: warning: {message.ReplaceLineEndings(" ")}");
    }
}
