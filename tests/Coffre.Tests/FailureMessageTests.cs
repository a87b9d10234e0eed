using System.Security.Cryptography;

namespace Coffre.Tests;

/// <summary>How an exception ends a run: one line and the exit code of the contract, the same for every host.</summary>
public class FailureMessageTests
{
    [Fact]
    public void A_coffre_exception_keeps_its_exit_code_and_message_on_one_line() =>
        Assert.Equal(("repository is locked by pid 12 on web1", ExitCodes.Locked),
            FailureMessage.Describe(new CoffreException("repository is locked\nby pid 12 on web1", ExitCodes.Locked), false));

    [Fact]
    public void Damaged_data_and_decryption_errors_point_to_check_read_data()
    {
        Assert.Equal(("repository data is damaged: bad blob; run 'coffre check --read-data'", ExitCodes.Fatal), FailureMessage.Describe(new InvalidDataException("bad blob"), false));
        Assert.Equal(("decryption failed: MAC mismatch; run 'coffre check --read-data'", ExitCodes.Fatal), FailureMessage.Describe(new CryptographicException("MAC\r\nmismatch"), false));
    }

    [Fact]
    public void A_cancellation_is_an_interruption_only_when_the_run_was_asked_to_stop()
    {
        Assert.Equal((FailureMessage.Interrupted, ExitCodes.Interrupted), FailureMessage.Describe(new AggregateException(new TaskCanceledException()), true));
        Assert.Equal(ExitCodes.Fatal, FailureMessage.Describe(new OperationCanceledException("timeout"), false).ExitCode);
    }

    [Fact]
    public void Anything_else_is_fatal_and_named() =>
        Assert.Equal(("unexpected error: InvalidOperationException: boom", ExitCodes.Fatal), FailureMessage.Describe(new InvalidOperationException("boom"), false));
}
