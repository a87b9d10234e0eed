using Coffre.Configuration;
using Coffre.Health;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Coffre.Server;

/// <summary>
/// The service's view of the engine's <see cref="HealthInspector"/>: the journal is read on each call (only what was
/// appended), while what costs (the repository's locks and key, through the service's <see cref="ReadSession"/>;
/// running the database tools) is remembered for <see cref="RepositoryFor"/> and <see cref="ToolsFor"/>. Probes once at start, so a missing repository or a wrong
/// password shows in the log, the dashboard and /health at once, not at the next scheduled backup.
/// </summary>
public sealed class HealthMonitor(ServerSetup setup, JournalReader journal, ReadSession session, ScheduleService schedule, UntrustedProxy proxy, ILogger<HealthMonitor> log) : BackgroundService
{
    public static readonly TimeSpan RepositoryFor = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan ToolsFor = TimeSpan.FromMinutes(10);

    private readonly SemaphoreSlim probing = new(1, 1);
    private RepositoryHealth? repository;
    private (DateTimeOffset At, IReadOnlyList<HealthFinding> Findings)? tools;

    /// <summary>The findings now (the repository as probed at most <see cref="RepositoryFor"/> ago).</summary>
    public async Task<HealthReport> ReportAsync(CancellationToken ct)
    {
        var (repo, dbTools) = await ProbesAsync(ct).ConfigureAwait(false);
        IEnumerable<HealthFinding> host = [
            .. schedule.Problem is { } p ? [HealthFinding.Attention("schedule", p, "fix schedule in the configuration (docs/scheduling.md)")] : Array.Empty<HealthFinding>(),
            .. proxy.Problem is { } x ? [HealthFinding.Attention("untrusted-proxy", x, "server.trustedProxies (docs/service.md)")] : Array.Empty<HealthFinding>(),
        ];
        return HealthInspector.Inspect(Inputs(), repo, dbTools, host);
    }

    private HealthInputs Inputs() => new()
    {
        Config = setup.Config,
        ConfigProblems = setup.ConfigProblems,
        RepositoryPath = setup.RepositoryPath,
        History = journal.History(),
        Clock = setup.Clock,
        TimeZone = setup.TimeZone,
    };

    private async Task<(RepositoryHealth? Repository, IReadOnlyList<HealthFinding> Tools)> ProbesAsync(CancellationToken ct)
    {
        var now = setup.Clock.GetUtcNow();
        if (Fresh(now)) return (repository, tools!.Value.Findings);
        await probing.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            now = setup.Clock.GetUtcNow();
            if (Fresh(now)) return (repository, tools!.Value.Findings);
            if (repository is null || now - repository.At >= RepositoryFor)
                repository = await RepositoryProbe.ProbeAsync(setup.Config.Repository.LocationInForce, Password, setup.Clock, setup.Config.FilePath is { } f ? $" -c {f}" : "", ct, setup.Config.Repository.Credentials, session.RepositoryAsync).ConfigureAwait(false);
            if (tools is null || now - tools.Value.At >= ToolsFor)
                tools = (now, setup.ConfigProblems.Count == 0 ? await DatabaseToolProbe.ProbeAsync(setup.Config, setup.Environment, ct).ConfigureAwait(false) : []);
            return (repository, tools.Value.Findings);
        }
        finally { probing.Release(); }
    }

    private bool Fresh(DateTimeOffset now) =>
        Volatile.Read(ref repository) is { } r && now - r.At < RepositoryFor && tools is { } t && now - t.At < ToolsFor;

    private ReadOnlyMemory<byte> Password() => PasswordSource.Resolve(setup.Config.Repository, setup.Environment);

    /// <summary>At start: one inspection, its findings in the host's log.</summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            var report = await ReportAsync(stoppingToken).ConfigureAwait(false);
            foreach (var f in report.Findings)
                log.Log(f.Severity == HealthSeverity.Failing ? LogLevel.Error : LogLevel.Warning, "{Finding}; fix: {Fix}", f.Text, f.Fix);
            log.LogInformation("health at start: {Verdict}", report.VerdictText);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }

    public override void Dispose()
    {
        probing.Dispose();
        base.Dispose();
    }
}
