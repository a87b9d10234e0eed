using System.Security.Cryptography;

namespace Coffre.Cli;

/// <summary>Turns an exception into one line on stderr and the documented exit code.</summary>
internal static class ErrorReporter
{
    public static int Report(Exception e, bool interrupted)
    {
        if (e is AggregateException { InnerExceptions.Count: 1 } agg) e = agg.InnerExceptions[0];
        if (interrupted && e is OperationCanceledException or TaskCanceledException)
        {
            Console.Error.WriteLine("coffre: interrupted; nothing half-written was left in the repository");
            return ExitCodes.Interrupted;
        }
        var (message, code) = e switch
        {
            CoffreException ce => (ce.Message, ce.ExitCode),
            InvalidDataException ide => ($"repository data is damaged: {ide.Message}; run 'coffre check --read-data'", ExitCodes.Fatal),
            CryptographicException ce => ($"decryption failed: {ce.Message}; run 'coffre check --read-data'", ExitCodes.Fatal),
            UnauthorizedAccessException ua => (ua.Message, ExitCodes.Fatal),
            IOException io => (io.Message, ExitCodes.Fatal),
            _ => ($"unexpected error: {e.GetType().Name}: {e.Message}", ExitCodes.Fatal),
        };
        Console.Error.WriteLine($"coffre: {message.ReplaceLineEndings(" ")}");
        if (Environment.GetEnvironmentVariable("COFFRE_DEBUG") == "1") Console.Error.WriteLine(e);
        return code;
    }
}
