using System.Text;
using Coffre.Repository.Keys;
using Coffre.Storage;
using Coffre.Storage.Memory;
using Repo = Coffre.Repository.Repository;

namespace Coffre.Tests.Repository.Keys;

/// <summary>Key management on an in-memory repository (cheap scrypt parameters when COFFRE_TEST_SCRYPT=1).</summary>
public class KeyManagerTests
{
    private static readonly byte[] First = Encoding.UTF8.GetBytes("first password");
    private static readonly byte[] Second = Encoding.UTF8.GetBytes("second password");

    private static async Task<(MemoryBackend Backend, Repo Repo, string Code)> NewRepositoryAsync(bool recovery = true)
    {
        var backend = new MemoryBackend();
        var code = RecoveryCode.Generate();
        var repo = await Repo.InitAsync(backend, First, recovery ? code : null, TimeProvider.System, default);
        return (backend, repo, code);
    }

    [Fact]
    public async Task InitWithARecoveryCodeWritesTwoKeysAndTheCodeOpensTheRepository()
    {
        var (backend, repo, code) = await NewRepositoryAsync();
        var keys = await KeyManager.ListAsync(repo, default);
        Assert.Equal(2, keys.Count);
        Assert.Single(keys, k => k.IsCurrent && !k.IsRecovery);
        var recovery = Assert.Single(keys, k => k.IsRecovery);
        Assert.Equal(("coffre", "recovery"), (recovery.Username, recovery.Hostname));

        var byCode = await Repo.OpenAsync(backend, Encoding.ASCII.GetBytes(code), default);
        Assert.Equal(recovery.Id, byCode.KeyName);
        var typedLoosely = await Repo.OpenAsync(backend, Encoding.ASCII.GetBytes(code.Replace("-", " ", StringComparison.Ordinal).ToLowerInvariant()), default);
        Assert.Equal(recovery.Id, typedLoosely.KeyName);
        Assert.Equal(repo.Config.Id, typedLoosely.Config.Id);
    }

    [Fact]
    public async Task AddedPasswordOpensTheSameRepositoryAndIsRecordedWithUserAndHost()
    {
        var (backend, repo, _) = await NewRepositoryAsync();
        var added = await KeyManager.AddAsync(repo, Second, "bob", "web1", TimeProvider.System, default);
        Assert.Equal(("bob", "web1", false, false), (added.Username, added.Hostname, added.IsCurrent, added.IsRecovery));
        var reopened = await Repo.OpenAsync(backend, Second, default);
        Assert.Equal(added.Id, reopened.KeyName);
        Assert.Equal(repo.Config.Id, reopened.Config.Id);
        Assert.Equal(3, (await KeyManager.ListAsync(reopened, default)).Count);
    }

    [Fact]
    public async Task EmptyNewPasswordIsRefused()
    {
        var (_, repo, _) = await NewRepositoryAsync();
        await Assert.ThrowsAsync<CoffreException>(() => KeyManager.AddAsync(repo, Array.Empty<byte>(), "u", "h", TimeProvider.System, default));
    }

    [Fact]
    public async Task TheOnlyKeyCannotBeRemovedEvenWithForce()
    {
        var (backend, repo, _) = await NewRepositoryAsync(recovery: false);
        var e = await Assert.ThrowsAsync<CoffreException>(() => KeyManager.RemoveAsync(repo, repo.KeyName[..8], allowCurrent: true, default));
        Assert.Contains("only key", e.Message, StringComparison.Ordinal);
        Assert.NotNull(await backend.StatAsync(new StorageHandle(FileType.Key, repo.KeyName), default));
    }

    [Fact]
    public async Task TheKeyInUseIsRemovedOnlyWithForce()
    {
        var (backend, repo, _) = await NewRepositoryAsync();
        await Assert.ThrowsAsync<CoffreException>(() => KeyManager.RemoveAsync(repo, repo.KeyName, allowCurrent: false, default));
        await KeyManager.RemoveAsync(repo, repo.KeyName, allowCurrent: true, default);
        var e = await Assert.ThrowsAsync<CoffreException>(() => Repo.OpenAsync(backend, First, default));
        Assert.Equal(ExitCodes.WrongPassword, e.ExitCode);
    }

    [Fact]
    public async Task ChangePasswordAddsTheNewKeyAndRemovesTheOneInUse()
    {
        var (backend, repo, _) = await NewRepositoryAsync();
        var (added, removed) = await KeyManager.ChangePasswordAsync(repo, Second, "u", "h", TimeProvider.System, default);
        Assert.Equal(repo.KeyName, removed.Id);
        Assert.Equal(added.Id, (await Repo.OpenAsync(backend, Second, default)).KeyName);
        var e = await Assert.ThrowsAsync<CoffreException>(() => Repo.OpenAsync(backend, First, default));
        Assert.Equal(ExitCodes.WrongPassword, e.ExitCode);
    }

    [Fact]
    public async Task ChangePasswordRefusesTheRecoveryKeyAndChangesNothing()
    {
        var (backend, _, code) = await NewRepositoryAsync();
        var byCode = await Repo.OpenAsync(backend, Encoding.ASCII.GetBytes(code), default);
        var before = await KeyManager.ListAsync(byCode, default);
        await Assert.ThrowsAsync<CoffreException>(() => KeyManager.ChangePasswordAsync(byCode, Second, "u", "h", TimeProvider.System, default));
        Assert.Equal(before.Select(k => k.Id), (await KeyManager.ListAsync(byCode, default)).Select(k => k.Id));
    }

    [Fact]
    public void FindNeedsAUniquePrefix()
    {
        var t = Coffre.Model.GoTime.Zero;
        var keys = new List<KeyInfo>
        {
            new("ab12" + new string('0', 60), "u", "h", t, false, false),
            new("ab34" + new string('0', 60), "u", "h", t, false, false),
        };
        Assert.Equal(keys[1], KeyManager.Find(keys, "ab3"));
        Assert.Contains("ambiguous", Assert.Throws<CoffreException>(() => KeyManager.Find(keys, "ab")).Message, StringComparison.Ordinal);
        Assert.Contains("no key", Assert.Throws<CoffreException>(() => KeyManager.Find(keys, "cd")).Message, StringComparison.Ordinal);
        Assert.Throws<CoffreException>(() => KeyManager.Find(keys, ""));
    }
}
