namespace Coffre.IntegrationTests.Infrastructure;

/// <summary>Assertions on how coffre fails: the documented exit code and one clear line on stderr.</summary>
internal static class Errors
{
    /// <summary>
    /// The run ended with <paramref name="exitCode"/> and printed exactly one non-empty stderr line, starting
    /// "coffre: " and containing each of <paramref name="mentions"/> (case-insensitive); no stack trace.
    /// </summary>
    public static string AssertOneLine(ProcessResult r, int exitCode, params string[] mentions)
    {
        Assert.True(r.ExitCode == exitCode, $"expected exit code {exitCode}\n{r.Describe()}");
        var lines = r.StdErrLines;
        Assert.True(lines.Length == 1, $"expected exactly one line on stderr, got {lines.Length}\n{r.Describe()}");
        var line = lines[0];
        Assert.True(line.StartsWith("coffre: ", StringComparison.Ordinal), $"the error line must start with 'coffre: '\n{r.Describe()}");
        AssertNoCrash(r);
        foreach (var m in mentions)
            Assert.True(line.Contains(m, StringComparison.OrdinalIgnoreCase), $"the error line should mention '{m}'\n{r.Describe()}");
        return line;
    }

    /// <summary>No unhandled exception, no stack trace, no "unexpected error" fallback message.</summary>
    public static void AssertNoCrash(ProcessResult r)
    {
        var all = r.StdOut + r.StdErr;
        Assert.False(all.Contains("Unhandled exception", StringComparison.OrdinalIgnoreCase), $"coffre crashed\n{r.Describe()}");
        Assert.False(all.Contains("\n   at ", StringComparison.Ordinal), $"coffre printed a stack trace\n{r.Describe()}");
        Assert.False(all.Contains("unexpected error", StringComparison.OrdinalIgnoreCase), $"coffre failed with an unexpected exception\n{r.Describe()}");
    }
}
