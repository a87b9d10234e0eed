namespace Coffre.Health;

/// <summary>How bad a finding is: backups go on but someone should look (attention), or backups are being lost now (failing).</summary>
public enum HealthSeverity
{
    Attention = 1,
    Failing = 2,
}

/// <summary>
/// One thing wrong, as the dashboard's Problems, <c>/health</c> and <c>coffre doctor</c> all show it.
/// </summary>
/// <param name="Code">A stable name for programs (<c>repository-missing</c>, <c>check-failed</c>...; docs/doctor.md).</param>
/// <param name="Text">What is wrong, on one line.</param>
/// <param name="Fix">The command or page that fixes it.</param>
public sealed record HealthFinding(string Code, HealthSeverity Severity, string Text, string Fix)
{
    public static HealthFinding Attention(string code, string text, string fix) => new(code, HealthSeverity.Attention, Journal.LogLine.OneLine(text), fix);

    public static HealthFinding Failing(string code, string text, string fix) => new(code, HealthSeverity.Failing, Journal.LogLine.OneLine(text), fix);
}
