using System.Security.Cryptography;

namespace Coffre;

/// <summary>
/// What a run that threw says and how it ends: the one-line message (for stderr, the journal and alerts) and the
/// exit code of the contract. Every host uses it, so a failure reads the same from the CLI and from the service.
/// </summary>
public static class FailureMessage
{
    public const string Interrupted = "interrupted; nothing half-written was left in the repository";

    /// <param name="interrupted">The run was asked to stop (Ctrl-C, SIGTERM): a cancellation is then exit 130, not a failure.</param>
    public static (string Message, int ExitCode) Describe(Exception e, bool interrupted)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e is AggregateException { InnerExceptions.Count: 1 } agg) e = agg.InnerExceptions[0];
        if (interrupted && e is OperationCanceledException) return (Interrupted, ExitCodes.Interrupted);
        var (message, code) = e switch
        {
            CoffreException ce => (ce.Message, ce.ExitCode),
            InvalidDataException ide => ($"repository data is damaged: {ide.Message}; run 'coffre check --read-data'", ExitCodes.Fatal),
            CryptographicException ce => ($"decryption failed: {ce.Message}; run 'coffre check --read-data'", ExitCodes.Fatal),
            UnauthorizedAccessException ua => (ua.Message, ExitCodes.Fatal),
            IOException io => (io.Message, ExitCodes.Fatal),
            _ => ($"unexpected error: {e.GetType().Name}: {e.Message}", ExitCodes.Fatal),
        };
        return (message.ReplaceLineEndings(" "), code);
    }
}
