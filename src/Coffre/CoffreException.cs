namespace Coffre;

/// <summary>
/// An error the user can act on. <see cref="ExitCode"/> is the documented process exit code the hosts return:
/// 1 fatal, 3 incomplete source, 10 no repository, 11 locked, 12 wrong password, 130 interrupted.
/// </summary>
public class CoffreException : Exception
{
    public CoffreException(string message, int exitCode = ExitCodes.Fatal, Exception? inner = null) : base(message, inner)
        => ExitCode = exitCode;

    public CoffreException() : this("coffre failed") { }
    public CoffreException(string message) : this(message, ExitCodes.Fatal) { }
    public CoffreException(string message, Exception inner) : this(message, ExitCodes.Fatal, inner) { }

    public int ExitCode { get; }
}

/// <summary>The exit-code contract (README, "Exit codes"); tested end to end.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Fatal = 1;

    /// <summary><c>coffre doctor</c> found something failing (its "needs attention" is 1; docs/doctor.md). No other command uses 2.</summary>
    public const int Failing = 2;
    public const int IncompleteSource = 3;
    public const int NoRepository = 10;
    public const int Locked = 11;
    public const int WrongPassword = 12;
    public const int Interrupted = 130;
}
