namespace Coffre.Health;

/// <summary>
/// The one source of "what is wrong" (docs/doctor.md): the dashboard's Problems, <c>/health</c> and
/// <c>coffre doctor</c> all show these findings, in the order an administrator checks things: the configuration, the
/// repository (reachable, password, locks), its disk, the backups, the last check and the damage known, the drills,
/// prune and restores, the database tools, the alerts.
/// </summary>
public static class HealthInspector
{
    /// <summary>
    /// The findings from what the caller already gathered: <paramref name="repository"/> (null: not probed, e.g. the
    /// configuration is unusable), <paramref name="databaseTools"/> (<see cref="DatabaseToolProbe"/>), and
    /// <paramref name="host"/>'s own (the service's schedule problem...), shown after the configuration's.
    /// </summary>
    public static HealthReport Inspect(HealthInputs inputs, RepositoryHealth? repository, IReadOnlyList<HealthFinding> databaseTools, IEnumerable<HealthFinding>? host = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(databaseTools);
        var fix = inputs.Config.FilePath is { } file ? $"coffre config check -c {file} (docs/configuration.md)" : "fix the configuration (docs/configuration.md)";
        var findings = new List<HealthFinding>(inputs.ConfigProblems.Select(p => HealthFinding.Failing("configuration-invalid", $"configuration: {p}", fix)));
        findings.AddRange(host ?? []);
        if (repository is not null)
        {
            findings.AddRange(repository.Access);
            findings.AddRange(repository.Locks);
        }
        findings.AddRange(DiskRule.Find(DiskRule.Space(inputs.RepositoryPath), inputs.RepositoryPath, inputs.Config.Alerts));
        findings.AddRange(HistoryRules.Backups(inputs));
        findings.AddRange(CopyRules.Copies(inputs));
        findings.AddRange(HistoryRules.Check(inputs));
        if (repository is not null) findings.AddRange(repository.Damage);
        findings.AddRange(HistoryRules.Drills(inputs));
        findings.AddRange(HistoryRules.Prune(inputs));
        findings.AddRange(HistoryRules.Restore(inputs));
        findings.AddRange(databaseTools);
        findings.AddRange(HistoryRules.Alerts(inputs));
        return new HealthReport(findings);
    }

    /// <summary>
    /// Everything, probed now (<c>coffre doctor</c>): the repository is opened with <paramref name="password"/>, the
    /// database tools are run and the service's <c>/health</c> is asked (<see cref="ServiceProbe"/>).
    /// </summary>
    public static async Task<HealthReport> InspectAsync(HealthInputs inputs, Func<ReadOnlyMemory<byte>> password, IDictionary<string, string?>? environment, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var repository = await RepositoryProbe.ProbeAsync(inputs.RepositoryPath, password, inputs.Clock, inputs.CommandSuffix, ct,
            inputs.HasConfiguration ? inputs.Config.Repository.Credentials : null).ConfigureAwait(false);
        var tools = inputs.HasConfiguration && inputs.ConfigProblems.Count == 0
            ? await DatabaseToolProbe.ProbeAsync(inputs.Config, environment, ct).ConfigureAwait(false)
            : [];
        var service = inputs.ConfigProblems.Count == 0 ? await ServiceProbe.ProbeAsync(inputs, ct).ConfigureAwait(false) : [];
        return Inspect(inputs, repository, tools, service);
    }
}
