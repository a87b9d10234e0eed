using System.Reflection;
using Coffre.IntegrationTests.Infrastructure;

namespace Coffre.IntegrationTests.Contract;

/// <summary>
/// The exit codes are a tested contract: each documented code, with a scenario that produces it, run end to
/// end through the real command. (The bad-input tests check the same scenarios in more detail.)
/// </summary>
[Collection(SerialCollection.Name)] // the 130 scenario interrupts a running backup: run it alone
public class ExitCodeContractTests
{
    /// <summary>Every documented code and the scenario that produces it.</summary>
    public static TheoryData<int, string> Contract => new()
    {
        { 0, "a backup that reads everything" },
        { 1, "a fatal error: the password file is readable by others" },
        { 2, "coffre doctor finds something failing: a wrong password" },
        { 3, "some source files cannot be read" },
        { 10, "no repository at the given path" },
        { 11, "the repository is locked exclusively by another host" },
        { 12, "a wrong password" },
        { 130, "a backup interrupted with SIGINT" },
    };

    [Theory]
    [MemberData(nameof(Contract))]
    public async Task Scenario_exits_with_its_documented_code(int code, string scenario)
    {
        using var dir = new TestDirectory("exit-" + code);
        var result = await RunAsync(code, dir);
        Assert.True(result.ExitCode == code, $"{scenario}: expected exit code {code}\n{result.Describe()}");
        if (code is not (0 or 2 or 3)) Errors.AssertOneLine(result, code); // doctor (2) reports on stdout, one line per finding
    }

    [Fact]
    public void Every_exit_code_the_engine_defines_is_in_the_contract()
    {
        var defined = typeof(ExitCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral).Select(f => (int)f.GetRawConstantValue()!).Order();
        var tested = Contract.Select(row => (int)row[0]).Order();
        Assert.Equal(tested, defined);
        Assert.Equal([0, 1, 2, 3, 10, 11, 12, 130], defined);
    }

    private static async Task<ProcessResult> RunAsync(int code, TestDirectory dir)
    {
        switch (code)
        {
            case 0:
            {
                var small = Scenarios.SmallRepository(dir);
                return small.Coffre.Run("backup", small.Tree.RootText);
            }
            case 1:
            {
                var small = Scenarios.SmallRepository(dir);
                var file = dir.Sub("password");
                File.WriteAllText(file, TestPasswords.Default);
                File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
                return new CoffreRunner(small.Repository, password: null).Run("--password-file", file, "snapshots");
            }
            case 2:
            {
                var small = Scenarios.SmallRepository(dir);
                return new CoffreRunner(small.Repository, "wrong password").Run("doctor");
            }
            case 3:
                return Scenarios.BackUpUnreadableSource(dir).Result;
            case 10:
                return new CoffreRunner(dir.Sub("missing")).Run("snapshots");
            case 11:
            {
                var small = Scenarios.SmallRepository(dir);
                await Scenarios.WriteLockAsync(small.Repository, exclusive: true, hostname: "otherhost", pid: 1);
                return small.Coffre.Run("backup", small.Tree.RootText);
            }
            case 12:
            {
                var small = Scenarios.SmallRepository(dir);
                return new CoffreRunner(small.Repository, "wrong password").Run("snapshots");
            }
            case 130:
            {
                var run = Scenarios.InterruptBackup(dir);
                Assert.True(run.RunningWhenSignalled, "the backup finished before it could be interrupted");
                return run.Result;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(code));
        }
    }
}
