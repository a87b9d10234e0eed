using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Coffre.Model;
using Coffre.Repository.Crypto;
using Coffre.Repository.Keys;
using Coffre.Storage;
using Coffre.Storage.Memory;
using Repo = Coffre.Repository.Repository;

namespace Coffre.Tests.Repository.Keys;

/// <summary>
/// Opening a repository whose key files may be hostile: costly key files are tried last, refused ones are named,
/// and cancelling (a signal) ends a derivation that is running.
/// </summary>
public class KeySearchTests
{
    private static readonly byte[] Password = Encoding.UTF8.GetBytes("the password");

    [Fact]
    public void The_cheapest_key_files_are_tried_first_recovery_keys_last()
    {
        var costly = Key(1 << 14, 8, 64, "mallory", "elsewhere");
        var usual = Key(32768, 8, 1, "alice", "server");
        var cheap = Key(1024, 8, 1, "bob", "laptop");
        var recovery = Key(1024, 8, 1, RecoveryCode.Username, RecoveryCode.Hostname);
        var listed = new[] { ("costly", costly), ("recovery", recovery), ("usual", usual), ("cheap", cheap) };
        Assert.Equal(["cheap", "usual", "costly", "recovery"], Coffre.Repository.RepositoryKeys.InTryingOrder(listed, recoveryFirst: false).Select(k => k.Name));
        Assert.Equal(["recovery", "cheap", "usual", "costly"], Coffre.Repository.RepositoryKeys.InTryingOrder(listed, recoveryFirst: true).Select(k => k.Name));
    }

    [Fact]
    public async Task Cancelling_ends_a_running_derivation()
    {
        var backend = new MemoryBackend();
        await Repo.InitAsync(backend, Password, TimeProvider.System, default);
        await PlantAsync(backend, 1 << 14, 8, 64); // 1 GiB of work: seconds
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var clock = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Repo.OpenAsync(backend, "wrong"u8.ToArray(), cts.Token));
        // Uncancelled, this key costs about 6 s on an idle machine (more under the suite's parallel load); cancelled it
        // stops within a few mixing rounds. 4 s leaves room for a loaded machine and still fails a derivation run to the end.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"stopped after {clock.Elapsed}");
    }

    [Fact]
    public async Task A_key_file_over_the_limit_is_named_and_not_tried()
    {
        var backend = new MemoryBackend();
        await Repo.InitAsync(backend, Password, TimeProvider.System, default);
        var monster = await PlantAsync(backend, 1 << 20, 8, 1 << 20);
        var clock = Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<CoffreException>(() => Repo.OpenAsync(backend, "wrong"u8.ToArray(), default));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.Equal(ExitCodes.WrongPassword, e.ExitCode);
        Assert.Contains($"key file {monster[..8]}: scrypt parameters N=1048576, r=8, p=1048576 ask for more work than Coffre allows", e.Message, StringComparison.Ordinal);
        Assert.NotNull(await Repo.OpenAsync(backend, Password, default));
    }

    private static KeyFile Key(int n, int r, int p, string user, string host) => new()
    {
        Created = GoTime.FromDateTimeOffset(DateTimeOffset.UtcNow),
        Username = user,
        Hostname = host,
        N = n,
        R = r,
        P = p,
        Salt = RandomNumberGenerator.GetBytes(KeyFile.SaltSize),
        Data = RandomNumberGenerator.GetBytes(160),
    };

    /// <summary>A well-formed key file with these parameters that no password opens; returns its name.</summary>
    private static async Task<string> PlantAsync(IStorageBackend backend, int n, int r, int p)
    {
        var bytes = Key(n, r, p, "mallory", "elsewhere").Serialize();
        var name = BlobId.Hash(bytes).ToString();
        await backend.SaveAsync(new StorageHandle(FileType.Key, name), bytes, default);
        return name;
    }
}
