namespace Coffre.IntegrationTests.Infrastructure;

/// <summary>What a finished child process left: its exit code and everything it printed.</summary>
internal sealed record ProcessResult(string Command, int ExitCode, string StdOut, string StdErr)
{
    /// <summary>For assertion messages: the command, its exit code and its output.</summary>
    public string Describe() =>
        $"$ {Command}\nexit code {ExitCode}\n--- stdout ---\n{Tail(StdOut)}\n--- stderr ---\n{Tail(StdErr)}";

    /// <summary>The non-empty lines of stderr.</summary>
    public string[] StdErrLines => StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string Tail(string text) => text.Length <= 6000 ? text : "..." + text[^6000..];
}
