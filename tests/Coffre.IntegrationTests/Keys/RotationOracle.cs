using System.Text;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.Repository.Crypto;
using Coffre.Repository.Pack;
using Coffre.Storage.Local;

namespace Coffre.IntegrationTests.Keys;

/// <summary>What must hold after a master-key rotation, checked from outside and with the engine.</summary>
internal static class RotationOracle
{
    public static CryptoKey MasterKey(string repository, string password = TestPasswords.Default) =>
        Coffre.Repository.Repository.OpenAsync(new LocalBackend(repository), Encoding.UTF8.GetBytes(password), CancellationToken.None)
            .GetAwaiter().GetResult().Key;

    /// <summary>Every file of the repository, relative to it.</summary>
    public static HashSet<string> Files(string repository) =>
        [.. Directory.EnumerateFiles(repository, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(repository, f))];

    /// <summary>
    /// No object of the repository opens with <paramref name="oldKey"/>: not the config, index files, snapshots or
    /// locks, no pack header and no blob (blobs found through the header, which opens with <paramref name="newKey"/>).
    /// </summary>
    public static void AssertOldKeyOpensNothing(string repository, CryptoKey oldKey, CryptoKey newKey)
    {
        Assert.False(KeyMatches(oldKey, newKey), "the master key did not change");
        var checkedBlobs = 0;
        foreach (var path in Files(repository))
        {
            var bytes = File.ReadAllBytes(Path.Combine(repository, path));
            if (path.StartsWith("keys/", StringComparison.Ordinal)) continue; // key files are sealed with password-derived keys
            var buffer = new byte[Math.Max(0, bytes.Length - CryptoKey.Overhead)];
            if (!path.StartsWith("data/", StringComparison.Ordinal))
            {
                Assert.False(oldKey.TryOpen(bytes, buffer), $"{path} still opens with the old master key");
                Assert.True(newKey.TryOpen(bytes, buffer), $"{path} does not open with the new master key");
                continue;
            }
            var id = Coffre.Model.BlobId.Parse(Path.GetFileName(path));
            Assert.Throws<InvalidDataException>(() => PackHeader.ReadFromPack(bytes, id, oldKey));
            foreach (var blob in PackHeader.ReadFromPack(bytes, id, newKey))
            {
                var box = bytes.AsSpan((int)blob.Offset, (int)blob.Length);
                Assert.False(oldKey.TryOpen(box, buffer), $"a blob of {path} still opens with the old master key");
                Assert.True(newKey.TryOpen(box, buffer), $"a blob of {path} does not open with the new master key");
                checkedBlobs++;
            }
        }
        Assert.True(checkedBlobs > 0, "no blob was checked");
    }

    /// <summary>restic checks every byte and restores the latest snapshot of <paramref name="tree"/> exactly, and so does Coffre.</summary>
    public static void AssertRestoresExactly(TestDirectory dir, string repository, string password, GeneratedTree tree)
    {
        Restic.AssertCheckReadData(repository, password);
        var byRestic = dir.Sub("restic-restore-" + Guid.NewGuid().ToString("N")[..6]);
        new ResticRunner(repository, password).Ok("restore", "latest", "--target", byRestic);
        TreeComparer.AssertEqual(tree.Root, Restored.PathOf(byRestic, tree.Root));
        var byCoffre = dir.Sub("coffre-restore-" + Guid.NewGuid().ToString("N")[..6]);
        new CoffreRunner(repository, password).Restore("latest", byCoffre);
        TreeComparer.AssertEqual(tree.Root, Restored.PathOf(byCoffre, tree.Root));
        var check = new CoffreRunner(repository, password).Run("check", "--read-data");
        Assert.True(check.ExitCode == 0, check.Describe());
    }

    /// <summary>Nothing of the rotation is left: no rotation folder, no temp file, no lock.</summary>
    public static void AssertFinished(string repository)
    {
        Assert.False(Directory.Exists(Path.Combine(repository, "coffre-rotation")), "the rotation folder is still there");
        RepoInspector.AssertNoPartialObjects(repository);
        Assert.Empty(RepoInspector.Locks(repository));
    }

    private static bool KeyMatches(CryptoKey a, CryptoKey b) => a.Encrypt.SequenceEqual(b.Encrypt);
}
