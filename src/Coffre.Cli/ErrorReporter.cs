using System.Security.Cryptography;

namespace Coffre.Cli;

/// <summary>Turns an exception into one line on stderr and the documented exit code.</summary>
internal static class ErrorReporter
{
    public static int Report(Exception e, bool interrupted) => Report(e, interrupted, out _);

    /// <summary>Reports <paramref name="e"/> and gives back the one-line message written (without the "coffre: " prefix).</summary>
    public static int Report(Exception e, bool interrupted, out string message)
    {
        if (e is AggregateException { InnerExceptions.Count: 1 } agg) e = agg.InnerExceptions[0];
        if (interrupted && e is OperationCanceledException or TaskCanceledException)
        {
            message = "interrupted; nothing half-written was left in the repository";
            Console.Error.WriteLine($"coffre: {message}");
            return ExitCodes.Interrupted;
        }
        (message, var code) = e switch
        {
            CoffreException ce => (ce.Message, ce.ExitCode),
            InvalidDataException ide => ($"repository data is damaged: {ide.Message}; run 'coffre check --read-data'", ExitCodes.Fatal),
            CryptographicException ce => ($"decryption failed: {ce.Message}; run 'coffre check --read-data'", ExitCodes.Fatal),
            UnauthorizedAccessException ua => (ua.Message, ExitCodes.Fatal),
            IOException io => (io.Message, ExitCodes.Fatal),
            _ => ($"unexpected error: {e.GetType().Name}: {e.Message}", ExitCodes.Fatal),
        };
        message = message.ReplaceLineEndings(" ");
        Console.Error.WriteLine($"coffre: {message}");
        if (Environment.GetEnvironmentVariable("COFFRE_DEBUG") == "1") Console.Error.WriteLine(e);
        return code;
    }
}
