namespace Coffre.Cli;

/// <summary>Turns an exception into one line on stderr and the documented exit code (<see cref="FailureMessage"/>).</summary>
internal static class ErrorReporter
{
    public static int Report(Exception e, bool interrupted) => Report(e, interrupted, out _);

    /// <summary>Reports <paramref name="e"/> and gives back the one-line message written (without the "coffre: " prefix).</summary>
    public static int Report(Exception e, bool interrupted, out string message)
    {
        (message, var code) = FailureMessage.Describe(e, interrupted);
        Console.Error.WriteLine($"coffre: {message}");
        if (e is AggregateException { InnerExceptions.Count: 1 } agg) e = agg.InnerExceptions[0];
        if (!(interrupted && e is OperationCanceledException) && Environment.GetEnvironmentVariable("COFFRE_DEBUG") == "1") Console.Error.WriteLine(e);
        return code;
    }
}
