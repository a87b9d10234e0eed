using Coffre.Configuration;
using Coffre.Journal;
using Coffre.Scheduling;

namespace Coffre.Jobs.Service;

/// <summary>
/// Runs the jobs of the application a <see cref="CoffreConfig"/> describes — a backup (then the configured
/// rotation), a sampled or full drill, a check, a prune — without the <c>coffre</c> command, for the service
/// (<c>coffre serve</c>) and for an application that hosts Coffre itself. Each job ends like the command that does
/// the same work with <c>-c FILE</c> (<c>coffre backup</c>, <c>coffre drill [--full]</c>, <c>coffre check</c>,
/// <c>coffre prune</c>): the same exit code and one-line error, one journal record with the same fields, the same
/// alerts raised and resolved (<see cref="JobRun"/>, as the CLI's). The password comes from the configuration's
/// password source. One job at a time, through the application's <see cref="JobGate"/> (the CLI's verbs and other
/// processes included): a second <see cref="RunAsync"/> waits for the first. <see cref="Progress"/> says what the
/// running job does.
/// </summary>
public sealed partial class ApplicationJobRunner : IDisposable
{
    private readonly TimeProvider clock;
    private readonly IDictionary<string, string?>? environment;
    private string operation = "";

    /// <param name="clock">Default: the system clock.</param>
    /// <param name="environment">Where password (and alert header) variables are read; null: the process environment.</param>
    public ApplicationJobRunner(CoffreConfig config, TimeProvider? clock = null, IDictionary<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        Config = config;
        this.clock = clock ?? TimeProvider.System;
        this.environment = environment;
    }

    public CoffreConfig Config { get; }

    /// <summary>What the running job does now, and how the last one ended; safe to read from any thread.</summary>
    public JobProgress Progress { get; } = new();

    /// <summary>
    /// Receives a line for each step, warning and ending, prefixed with the job's operation (<c>backup: dumping
    /// database main</c>, <c>backup: ok, snapshot 3e7d4c4a (exit 0)</c>); null: silent. Never holds a secret.
    /// </summary>
    public Action<string>? Output { get; init; }

    /// <summary>The repository of the configuration, absolute.</summary>
    public string RepositoryPath => Storage.RepositoryLocation.Canonical(Config.Repository.LocationInForce);

    /// <summary>Runs one job to its end and journals it; never throws for the job's own failures (they are in the result).</summary>
    /// <param name="ct">
    /// Cancelling stops the job cleanly (nothing half-written is left): exit code 130, journaled as interrupted. Cancelled
    /// while waiting for another job to end, it throws <see cref="OperationCanceledException"/> (nothing ran).
    /// </param>
    public async Task<JobResult> RunAsync(JobKind kind, CancellationToken ct)
    {
        var name = JobKinds.Operation(kind);
        using var ticket = new JobTicket(name, clock) { Waiting = line => Output?.Invoke($"{name}: {line}") };
        return await Gate.RunAsync(ticket, c => RunOneAsync(kind, c), ct).ConfigureAwait(false);
    }

    /// <summary>The one-job-at-a-time rule this runner's jobs go through (shared with every other host of the application).</summary>
    public JobGate Gate => JobGate.For(Config);

    private async Task<JobResult> RunOneAsync(JobKind kind, CancellationToken ct)
    {
        operation = JobKinds.Operation(kind);
        var run = RunDetails.Begin(operation, clock);
        Progress.Begin(kind, run.Start, "starting");
        var ending = await new JobRun(clock) { Config = Config, Environment = environment, Warn = w => Say($"warning: {w}") }
            .RunAsync(run, null, c => WorkAsync(kind, run, c), ct).ConfigureAwait(false);
        var record = ending.Record;
        Say(record.Result + (record.SnapshotId is { } id ? $", snapshot {id[..8]}" : "") + $" (exit {ending.ExitCode})" + (record.Error is { } why ? $": {why}" : ""));
        var result = new JobResult(kind, ending.ExitCode, record.Error, record);
        Progress.End(result);
        return result;
    }

    /// <summary>The running job is now doing <paramref name="phase"/>.</summary>
    private void Phase(string phase)
    {
        Progress.Phase(phase);
        Say(phase);
    }

    private void Say(string line) => Output?.Invoke($"{operation}: {LogLine.OneLine(line)}");

    public void Dispose() { } // kept for hosts that dispose it; the gate belongs to the process
}
