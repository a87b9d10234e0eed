using System.Text;
using Coffre.IntegrationTests.Infrastructure;

namespace Coffre.IntegrationTests.Contract;

/// <summary>
/// The shipped assemblies read no test switch: no COFFRE_TEST_* name is compiled into them (tests get cheap keys
/// through tests/Coffre.TestHooks and crash points from outside the code, see PruneCrashTests).
/// </summary>
public class NoTestSwitchTests
{
    [Theory]
    [InlineData("coffre.dll")]
    [InlineData("Coffre.Engine.dll")]
    [InlineData("Coffre.Server.dll")]
    public void No_COFFRE_TEST_name_is_compiled_into_a_shipped_assembly(string assembly)
    {
        var bytes = File.ReadAllBytes(Path.Combine(Path.GetDirectoryName(CoffreRunner.CoffreDll)!, assembly));
        foreach (var encoding in new Encoding[] { Encoding.UTF8, Encoding.Unicode })
            Assert.True(bytes.AsSpan().IndexOf(encoding.GetBytes("COFFRE_TEST")) < 0, $"{assembly} holds a COFFRE_TEST name ({encoding.EncodingName})");
    }

    [Fact]
    public void The_commands_the_tests_run_create_cheap_keys_through_the_startup_hook_only()
    {
        using var dir = new TestDirectory("cheap-keys");
        var repo = dir.Sub("repo");
        new CoffreRunner(repo).Init();
        Assert.All(KeyN(repo), n => Assert.Equal(1024, n));

        var shipped = new CoffreRunner(dir.Sub("shipped"));
        shipped.Environment["DOTNET_STARTUP_HOOKS"] = null;
        shipped.Environment["COFFRE_TEST_SCRYPT"] = "1"; // the switch of old: no effect any more
        shipped.Init();
        Assert.All(KeyN(dir.Sub("shipped")), n => Assert.Equal(32768, n));
    }

    private static List<int> KeyN(string repo) =>
        [.. Directory.GetFiles(Path.Combine(repo, "keys")).Select(f => System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(f)).RootElement.GetProperty("N").GetInt32())];
}
