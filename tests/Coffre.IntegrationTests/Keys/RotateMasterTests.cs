using System.Text;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.Maintenance.KeyRotation;
using Coffre.Platform;
using Coffre.Storage.Local;

namespace Coffre.IntegrationTests.Keys;

/// <summary>coffre key rotate-master: everything sealed again under a new master key, restic as the oracle.</summary>
public class RotateMasterTests
{
    /// <summary>A repository with a Coffre snapshot and a restic snapshot of the same tree (restic-written packs too).</summary>
    private static (SmallRepository Small, string RecoveryCode) Repository(TestDirectory dir)
    {
        var repo = dir.Sub("repo");
        var coffre = new CoffreRunner(repo);
        var code = coffre.Json("init").GetProperty("recovery_key").GetString()!;
        var tree = TreeGenerator.CreateRandomFiles(UnixPath.FromString(dir.Sub("src")), seed: 11, 3_000_000, 700_000, 20_000, 0);
        var summary = coffre.Backup(tree.RootText);
        File.WriteAllText(Path.Combine(tree.RootText, "added-by-restic.txt"), "restic wrote this one\n");
        new ResticRunner(repo).Backup(tree.RootText);
        File.Delete(Path.Combine(tree.RootText, "added-by-restic.txt"));
        coffre.Backup(tree.RootText); // latest = the tree as generated
        return (new SmallRepository(repo, coffre, tree, summary.SnapshotId), code);
    }

    [Fact]
    public void Rotation_reencrypts_everything_restic_checks_and_restores_it_and_the_old_key_opens_nothing()
    {
        using var dir = new TestDirectory("rotate");
        var (small, oldCode) = Repository(dir);
        var oldKey = RotationOracle.MasterKey(small.Repository);
        var before = RotationOracle.Files(small.Repository);
        var snapshotsBefore = small.Coffre.Snapshots().Select(s => s.GetProperty("tree").GetString()).Order().ToList();

        var result = small.Coffre.Json("key", "rotate-master");

        var newCode = result.GetProperty("recovery_key").GetString()!;
        Assert.Equal(3, result.GetProperty("snapshots").GetInt32());
        RotationOracle.AssertFinished(small.Repository);
        RotationOracle.AssertRestoresExactly(dir, small.Repository, TestPasswords.Default, small.Tree);
        RotationOracle.AssertOldKeyOpensNothing(small.Repository, oldKey, RotationOracle.MasterKey(small.Repository));
        // Only the config keeps its name (and content: the same repository ID); every other file is new.
        Assert.Equal(["config"], before.Intersect(RotationOracle.Files(small.Repository)));
        Assert.Equal(snapshotsBefore, small.Coffre.Snapshots().Select(s => s.GetProperty("tree").GetString()).Order().ToList());
        // The old recovery code is gone with the old key files; the new one works in restic.
        KeyFiles.AssertResticRefuses(small.Repository, oldCode);
        KeyFiles.AssertResticOpens(small.Repository, newCode, 3);
        var keys = KeyFiles.List(small.Coffre);
        Assert.Equal(2, keys.Count);
        Assert.Single(keys, k => k.GetProperty("recovery").GetBoolean());
        // And the repository goes on: a backup after the rotation finds its parent and every data blob already stored.
        var next = small.Coffre.Backup(small.Tree.RootText);
        Assert.Equal((0, 0, 0), (next.FilesNew, next.FilesChanged, next.DataBlobs));
        Restic.AssertCheckReadData(small.Repository);
    }

    [Fact]
    public void Other_keys_are_refused_without_their_password_carried_with_it_or_dropped_on_request()
    {
        using var dir = new TestDirectory("rotate-others");
        var (small, _) = Repository(dir);
        const string Other = "the password of the other key";
        var otherFile = KeyFiles.PasswordFile(dir, Other);
        small.Coffre.Ok("key", "add", "--new-password-file", otherFile, "--user", "ops", "--host", "laptop");
        var before = RotationOracle.Files(small.Repository);

        Errors.AssertOneLine(small.Coffre.Run("key", "rotate-master"), 1, "--other-password-file", "--remove-other-keys", "ops@laptop");
        Assert.Equal(before, RotationOracle.Files(small.Repository)); // nothing was written

        var wrongFile = KeyFiles.PasswordFile(dir, "no key has this one");
        Errors.AssertOneLine(small.Coffre.Run("key", "rotate-master", "--other-password-file", wrongFile), 12, wrongFile);
        Assert.Equal(before, RotationOracle.Files(small.Repository));

        small.Coffre.Ok("key", "rotate-master", "--other-password-file", otherFile);
        KeyFiles.AssertResticOpens(small.Repository, Other, 3);
        var carried = Assert.Single(KeyFiles.List(new CoffreRunner(small.Repository, Other)), k => k.GetProperty("current").GetBoolean());
        Assert.Equal(("ops", "laptop"), (carried.GetProperty("userName").GetString(), carried.GetProperty("hostName").GetString()));

        var dropped = small.Coffre.Json("key", "rotate-master", "--remove-other-keys", "--no-recovery-key");
        Assert.Contains("ops@laptop", dropped.GetProperty("keys_removed").EnumerateArray().Select(e => e.GetString()!).Single(s => s.Contains("ops", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, dropped.GetProperty("recovery_key").ValueKind);
        KeyFiles.AssertResticRefuses(small.Repository, Other);
        Assert.Single(KeyFiles.Names(small.Repository));
        RotationOracle.AssertRestoresExactly(dir, small.Repository, TestPasswords.Default, small.Tree);
    }

    [Fact]
    public void Rotation_with_a_wrong_password_exits_12_and_writes_nothing()
    {
        using var dir = new TestDirectory("rotate-wrong");
        var (small, _) = Repository(dir);
        var before = RotationOracle.Files(small.Repository);
        Errors.AssertOneLine(new CoffreRunner(small.Repository, "wrong").Run("key", "rotate-master"), 12, "password");
        Assert.Equal(before, RotationOracle.Files(small.Repository));
    }

    public static TheoryData<RotationStep> InterruptionPoints() =>
    [
        RotationStep.KeysPrepared,
        RotationStep.PackReencrypted,
        RotationStep.SnapshotsPrepared,
        RotationStep.Prepared,
        RotationStep.SwitchKeysAdded,
        RotationStep.SwitchConfigReplaced,
        RotationStep.SwitchOldKeysRemoved,
        RotationStep.SwitchIndexReplaced,
        RotationStep.SwitchSnapshotsReplaced,
        RotationStep.SwitchLocksRemoved,
        RotationStep.SwitchOldPacksRemoved,
    ];

    /// <summary>A rotation that stops right after <paramref name="step"/> (as a crash would) is finished by running it again.</summary>
    [Theory]
    [MemberData(nameof(InterruptionPoints))]
    public async Task An_interrupted_rotation_is_finished_by_running_it_again(RotationStep step)
    {
        using var dir = new TestDirectory("rotate-resume");
        var (small, _) = Repository(dir);
        var oldKey = RotationOracle.MasterKey(small.Repository);

        await Assert.ThrowsAnyAsync<Exception>(() => MasterKeyRotation.RunAsync(new LocalBackend(small.Repository), Encoding.UTF8.GetBytes(TestPasswords.Default),
            RotationOptions.Default, TimeProvider.System, new StopAfter(step), CancellationToken.None));

        Assert.True(Directory.Exists(Path.Combine(small.Repository, "coffre-rotation")));
        // Meanwhile other commands refuse to work on the half-rotated repository.
        Errors.AssertOneLine(small.Coffre.Run("snapshots"), 11, "rotate-master");
        if (step < RotationStep.SwitchKeysAdded) KeyFiles.AssertResticOpens(small.Repository, TestPasswords.Default, 3); // the old world is intact

        var resumed = small.Coffre.Json("key", "rotate-master");

        Assert.True(resumed.GetProperty("resumed").GetBoolean());
        Assert.Equal(3, resumed.GetProperty("snapshots").GetInt32());
        var newCode = resumed.GetProperty("recovery_key").GetString()!;
        RotationOracle.AssertFinished(small.Repository);
        RotationOracle.AssertRestoresExactly(dir, small.Repository, TestPasswords.Default, small.Tree);
        RotationOracle.AssertOldKeyOpensNothing(small.Repository, oldKey, RotationOracle.MasterKey(small.Repository));
        KeyFiles.AssertResticOpens(small.Repository, newCode, 3);
    }

    [Fact]
    public async Task An_interrupted_rotation_can_be_aborted_before_it_switches()
    {
        using var dir = new TestDirectory("rotate-abort");
        var (small, code) = Repository(dir);
        var before = RotationOracle.Files(small.Repository);

        await Assert.ThrowsAnyAsync<Exception>(() => MasterKeyRotation.RunAsync(new LocalBackend(small.Repository), Encoding.UTF8.GetBytes(TestPasswords.Default),
            RotationOptions.Default, TimeProvider.System, new StopAfter(RotationStep.Prepared), CancellationToken.None));
        Assert.NotEqual(before, RotationOracle.Files(small.Repository));

        var r = small.Coffre.Json("key", "rotate-master", "--abort");

        Assert.True(r.GetProperty("packs_removed").GetInt32() > 0);
        Assert.Equal(before, RotationOracle.Files(small.Repository));
        KeyFiles.AssertResticOpens(small.Repository, code, 3); // the old keys, recovery code included, still work
        RotationOracle.AssertRestoresExactly(dir, small.Repository, TestPasswords.Default, small.Tree);
    }

    [Fact]
    public async Task A_rotation_that_has_begun_switching_cannot_be_aborted()
    {
        using var dir = new TestDirectory("rotate-noabort");
        var (small, _) = Repository(dir);
        await Assert.ThrowsAnyAsync<Exception>(() => MasterKeyRotation.RunAsync(new LocalBackend(small.Repository), Encoding.UTF8.GetBytes(TestPasswords.Default),
            RotationOptions.Default, TimeProvider.System, new StopAfter(RotationStep.SwitchConfigReplaced), CancellationToken.None));

        Errors.AssertOneLine(small.Coffre.Run("key", "rotate-master", "--abort"), 1, "without --abort");
        Errors.AssertOneLine(new CoffreRunner(small.Repository, "wrong").Run("key", "rotate-master"), 12, "password");

        small.Coffre.Ok("key", "rotate-master");
        RotationOracle.AssertFinished(small.Repository);
        RotationOracle.AssertRestoresExactly(dir, small.Repository, TestPasswords.Default, small.Tree);
    }

    /// <summary>Throws right after the given step is reported, like a crash at that point.</summary>
    private sealed class StopAfter(RotationStep step) : IProgress<RotationProgress>
    {
        public void Report(RotationProgress value)
        {
            if (value.Step == step) throw new InvalidOperationException($"stopped after {step}");
        }
    }
}
