namespace Coffre.Journal;

/// <summary>How a run ended, as the journal writes it; derived from the exit code (README, "Exit codes").</summary>
public static class RunResults
{
    public const string Ok = "ok";

    /// <summary>A backup was written, but some source files could not be read (exit 3).</summary>
    public const string Incomplete = "incomplete";

    public const string Failed = "failed";

    /// <summary>The repository password was wrong (exit 12): a failed password attempt. The password is never logged.</summary>
    public const string WrongPassword = "wrong-password";

    /// <summary>Ctrl-C or SIGTERM (exit 130).</summary>
    public const string Interrupted = "interrupted";

    /// <summary>Stopped by a person (the dashboard's Cancel), while queued or running (exit 130): neither a failure nor a run that counts.</summary>
    public const string Cancelled = "cancelled";

    /// <summary>The run was stopped before its end (<see cref="Interrupted"/>, <see cref="Cancelled"/>): it says nothing about the data.</summary>
    public static bool Stopped(string result) => result is Interrupted or Cancelled;

    public static string FromExitCode(int exitCode) => exitCode switch
    {
        ExitCodes.Ok => Ok,
        ExitCodes.IncompleteSource => Incomplete,
        ExitCodes.WrongPassword => WrongPassword,
        ExitCodes.Interrupted => Interrupted,
        _ => Failed,
    };
}
