using Coffre.Configuration;
using Coffre.Sources;

namespace Coffre.Health;

/// <summary>
/// Whether each database of the configuration can be dumped on this machine: each engine checks its own client tools
/// (<see cref="IDatabaseEngine.CheckToolsAsync"/>: present, and suited to the server's version). Runs the tools: hosts
/// that ask often remember the result for a while.
/// </summary>
public static class DatabaseToolProbe
{
    public static async Task<IReadOnlyList<HealthFinding>> ProbeAsync(CoffreConfig config, IDictionary<string, string?>? environment, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(config);
        var findings = new List<HealthFinding>();
        foreach (var db in config.Databases)
        {
            if (DatabaseEngines.Find(db.Engine) is not { } engine) continue; // the configuration rule reports it
            string? Password()
            {
                try { return PasswordSource.Resolve(db, environment) is { } p ? System.Text.Encoding.UTF8.GetString(p) : null; }
                catch (CoffreException e) { throw new SourceException(e.Message); }
            }
            var problems = await engine.CheckToolsAsync(db, Password, ct).ConfigureAwait(false);
            foreach (var p in problems)
                findings.Add(p.Failing ? HealthFinding.Failing(p.Code, p.Text, p.Fix) : HealthFinding.Attention(p.Code, p.Text, p.Fix));
        }
        return findings;
    }
}
