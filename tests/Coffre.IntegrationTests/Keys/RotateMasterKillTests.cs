using Coffre.IntegrationTests.Infrastructure;
using Coffre.Platform;

namespace Coffre.IntegrationTests.Keys;

/// <summary>A rotation killed outright (SIGKILL: no cleanup at all) in the middle of re-encrypting packs.</summary>
[Collection(SerialCollection.Name)]
public class RotateMasterKillTests
{
    private const int SigKill = 9;

    [Fact]
    public void A_killed_rotation_is_finished_by_running_it_again()
    {
        using var dir = new TestDirectory("rotate-kill");
        var repo = dir.Sub("repo");
        var coffre = new CoffreRunner(repo);
        coffre.Ok("init");
        var tree = TreeGenerator.CreateRandomFiles(UnixPath.FromString(dir.Sub("src")), seed: 17, 40L << 20, 40L << 20, 40L << 20, 5_000);
        coffre.Backup(tree.RootText);
        var oldKey = RotationOracle.MasterKey(repo);
        var journal = Path.Combine(repo, "coffre-rotation", "packs");

        bool killedMidway;
        using (var running = coffre.Start("key", "rotate-master"))
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
            while (!File.Exists(journal) && !running.HasExited && DateTime.UtcNow < deadline) Thread.Sleep(10);
            killedMidway = !running.HasExited;
            if (killedMidway) Assert.Equal(0, LibC.kill(running.Id, SigKill));
            running.Wait(TimeSpan.FromMinutes(2));
        }
        Assert.True(killedMidway, "the rotation finished before it could be killed: give it more data");
        Assert.True(File.Exists(journal));
        Errors.AssertOneLine(coffre.Run("backup", tree.RootText), 11, "rotate-master");

        var resumed = coffre.Json("key", "rotate-master");

        Assert.True(resumed.GetProperty("resumed").GetBoolean());
        RotationOracle.AssertFinished(repo);
        RotationOracle.AssertRestoresExactly(dir, repo, TestPasswords.Default, tree);
        RotationOracle.AssertOldKeyOpensNothing(repo, oldKey, RotationOracle.MasterKey(repo));
    }
}
