using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Coffre.Server;

/// <summary>
/// Coffre's findings as an ASP.NET Core health check, registered by <c>AddCoffre</c> under <see cref="Name"/>: an
/// application that maps its own health endpoint (<c>app.MapHealthChecks("/healthz")</c>) reports Coffre's state too.
/// Failing: unhealthy (503); needs attention: degraded (200); all good: healthy.
/// </summary>
public sealed class CoffreHealthCheck(HealthMonitor monitor) : IHealthCheck
{
    public const string Name = "coffre";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var report = await monitor.ReportAsync(cancellationToken).ConfigureAwait(false);
        // The findings name paths and errors: they go in Data, which an endpoint shows only if its writer chooses to.
        var data = report.Findings.Select((f, i) => (f, i)).ToDictionary(x => $"{x.i + 1:00}-{x.f.Code}", x => (object)$"{x.f.Text} (fix: {x.f.Fix})");
        return report.Verdict switch
        {
            Health.HealthVerdict.Fine => HealthCheckResult.Healthy("all good", data),
            Health.HealthVerdict.NeedsAttention => HealthCheckResult.Degraded("needs attention", data: data),
            _ => HealthCheckResult.Unhealthy("failing", data: data),
        };
    }
}
