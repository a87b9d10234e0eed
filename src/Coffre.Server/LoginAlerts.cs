using Coffre.Alerts;
using Coffre.Journal;
using Coffre.Platform;
using Microsoft.Extensions.Logging;

namespace Coffre.Server;

/// <summary>
/// The <c>login-failures</c> incident (docs/alerts.md): raised when a user and address get locked out (repeated
/// failures), so a guessing attack is one alert however long it lasts; resolved by the next successful login.
/// Delivery runs in the background (its retries must not hold the login page) and a failure is journaled as an
/// <c>alert failed</c> record, like the command line's.
/// </summary>
public sealed class LoginAlerts(ServerSetup setup, LoginJournal journal, ILogger<LoginAlerts> log)
{
    private readonly Lock gate = new();
    private Task pending = Task.CompletedTask;

    /// <summary>The last delivery started (tests wait for it).</summary>
    public Task Pending
    {
        get { lock (gate) return pending; }
    }

    public void LockedOut(string user, string address, int failures, DateTimeOffset until) =>
        Enqueue(a => a.RaiseAsync(IncidentKinds.LoginFailures, Application,
            LogLine.OneLine($"{failures} failed logins in a row for user {user} from {address}: blocked until {until.ToLocalTime():yyyy-MM-dd HH:mm:ss}")));

    public void Succeeded() => Enqueue(a => a.ResolveAsync(IncidentKinds.LoginFailures, Application));

    private string Application => setup.Config.Application ?? "coffre";

    private void Enqueue(Func<Alerter, Task<AlertReport>> step)
    {
        if (setup.LogFolder is not { } folder) return;
        IReadOnlyList<IAlertChannel> channels;
        try { channels = AlertChannels.FromConfig(setup.Config.Alerts, setup.Environment); }
        catch (Exception e) when (e is CoffreException or UriFormatException) { log.LogError("alerts cannot be sent: {Message}", e.Message); return; }
        if (channels.Count == 0) return;
        var alerter = new Alerter(new IncidentStore(folder), channels, new AlertSender(AlertChannels.RetryDelays(setup.Config.Alerts)), setup.Clock, Posix.GetHostName());
        lock (gate) pending = pending.ContinueWith(_ => DeliverAsync(alerter, step), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
    }

    private async Task DeliverAsync(Alerter alerter, Func<Alerter, Task<AlertReport>> step)
    {
        string? failure;
        try
        {
            var report = await step(alerter).ConfigureAwait(false);
            failure = report.Failures.Count == 0 ? null : "not delivered: " + string.Join("; ", report.Failures);
        }
#pragma warning disable CA1031 // an alert must never take the service down
        catch (Exception e) { failure = "could not be processed: " + e.Message; }
#pragma warning restore CA1031
        if (failure is null) return;
        log.LogWarning("login alert {Failure}", failure);
        journal.RecordAlertFailure($"{IncidentKinds.LoginFailures}: {failure}");
    }
}
