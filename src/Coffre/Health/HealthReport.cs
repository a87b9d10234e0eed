namespace Coffre.Health;

/// <summary>All good, needs attention, or failing: the worst of the findings.</summary>
public enum HealthVerdict
{
    Fine = 0,
    NeedsAttention = 1,
    Failing = 2,
}

/// <summary>The findings of one inspection, in the order an administrator checks them, and their verdict.</summary>
public sealed record HealthReport(IReadOnlyList<HealthFinding> Findings)
{
    public HealthVerdict Verdict => Findings.Count == 0 ? HealthVerdict.Fine
        : Findings.Any(f => f.Severity == HealthSeverity.Failing) ? HealthVerdict.Failing : HealthVerdict.NeedsAttention;

    /// <summary><c>all good</c>, <c>needs attention</c> or <c>failing</c>.</summary>
    public string VerdictText => Text(Verdict);

    /// <summary>The exit code of <c>coffre doctor</c>: 0 fine, 1 needs attention, 2 failing (docs/doctor.md).</summary>
    public int ExitCode => Verdict switch { HealthVerdict.Fine => ExitCodes.Ok, HealthVerdict.NeedsAttention => 1, _ => ExitCodes.Failing };

    public static string Text(HealthVerdict verdict) => verdict switch
    {
        HealthVerdict.Fine => "all good",
        HealthVerdict.NeedsAttention => "needs attention",
        _ => "failing",
    };
}
