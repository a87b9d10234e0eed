using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Coffre.Server;

/// <summary>
/// Work a page started and answered at once (a restore from the dashboard), run in the background. A stop of the
/// service waits for it: it may go on for <see cref="ServerSetup.StopGrace"/>, then it is interrupted and ends the
/// way it ends on Ctrl-C — journaled, with the safety snapshot named — before the process exits.
/// </summary>
internal sealed class BackgroundJobs(ServerSetup setup, IHostApplicationLifetime lifetime, ILogger<BackgroundJobs> log) : IHostedService
{
    private readonly ConcurrentDictionary<Task, string> running = new();

    public void Start(string name, Func<CancellationToken, Task> work)
    {
        var stopping = lifetime.ApplicationStopping;
        var task = Task.Run(async () =>
        {
            using var interrupt = new CancellationTokenSource();
            using var grace = stopping.Register(() => interrupt.CancelAfter(setup.StopGrace));
            try { await work(interrupt.Token).ConfigureAwait(false); }
            catch (OperationCanceledException) when (interrupt.IsCancellationRequested) { }
#pragma warning disable CA1031 // the work journals its own failure; the service goes on
            catch (Exception e) { log.LogError(e, "{Job} from the dashboard failed", name); }
#pragma warning restore CA1031
        }, CancellationToken.None);
        running[task] = name;
        _ = task.ContinueWith(t => running.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken)
    {
        if (running.IsEmpty) return Task.CompletedTask;
        log.LogInformation("waiting for {Jobs} to end", string.Join(", ", running.Values));
        return Task.WhenAll(running.Keys).WaitAsync(cancellationToken);
    }
}
