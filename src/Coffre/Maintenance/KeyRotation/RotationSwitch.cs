using System.Security.Cryptography;
using System.Text;
using Coffre.Repository;
using Coffre.Repository.Crypto;
using Coffre.Repository.Keys;
using Coffre.Repository.Locking;
using Coffre.Storage;

namespace Coffre.Maintenance.KeyRotation;

/// <summary>
/// The second half of a rotation: puts the prepared objects in place of the old ones. Every step looks at
/// what is there and does only what is missing, so running it again after an interruption finishes the job.
/// It needs only the new master key, which the rotation folder's key files give for the password.
/// </summary>
internal static class RotationSwitch
{
    public static async Task<RotationResult> RunAsync(IStorageBackend backend, RotationStore store, ReadOnlyMemory<byte> password, TimeProvider clock,
                                                      IProgress<RotationProgress>? progress, RepositoryLock? heldLock, bool resumed, CancellationToken ct)
    {
        var (newKey, keyName) = await UnlockStagedAsync(store, password, ct).ConfigureAwait(false);
        var sealedConfig = await store.Staged.LoadAsync(StorageHandle.Config, ct).ConfigureAwait(false);
        var config = RepositoryConfig.Parse(newKey.Open(sealedConfig));
        var live = Repository.Repository.WithKey(backend, newKey, config, keyName);
        await using var newLock = await RepositoryLock.AcquireAsync(live, exclusive: true, clock, ct).ConfigureAwait(false);
        if (heldLock is not null) await heldLock.DisposeAsync().ConfigureAwait(false);
        RotationStore.RemoveLeftoverStagingFiles(backend.Properties.StagingFolder);

        var stagedKeys = await CopyMissingAsync(store, backend, FileType.Key, ct).ConfigureAwait(false);
        progress?.Report(new RotationProgress(RotationStep.SwitchKeysAdded, stagedKeys.Count, stagedKeys.Count));

        if (!ConfigOpens(await backend.LoadAsync(StorageHandle.Config, ct).ConfigureAwait(false), newKey))
            await store.ReplaceRepositoryConfigAsync(sealedConfig, ct).ConfigureAwait(false);
        progress?.Report(new RotationProgress(RotationStep.SwitchConfigReplaced, 1, 1));

        // Every old key file goes; those carried over (same user, host and creation time as a new one) are not "removed" for the user.
        var carried = (await KeyManager.LoadAllAsync(store.Staged, ct).ConfigureAwait(false))
            .Where(k => !RecoveryCode.IsRecoveryKey(k.KeyFile)).Select(k => Identity(k.KeyFile)).ToHashSet();
        var removedKeys = new List<string>();
        foreach (var (id, keyFile) in await KeyManager.LoadAllAsync(backend, ct).ConfigureAwait(false))
        {
            if (stagedKeys.Contains(id)) continue;
            await RemoveAsync(backend, FileType.Key, id, ct).ConfigureAwait(false);
            if (!carried.Contains(Identity(keyFile))) removedKeys.Add(RotationKeyPlan.Label(id, keyFile));
        }
        await RemoveOthersAsync(backend, FileType.Key, stagedKeys, ct).ConfigureAwait(false); // unparseable old key files too
        progress?.Report(new RotationProgress(RotationStep.SwitchOldKeysRemoved, removedKeys.Count, removedKeys.Count));

        var index = await CopyMissingAsync(store, backend, FileType.Index, ct).ConfigureAwait(false);
        await RemoveOthersAsync(backend, FileType.Index, index, ct).ConfigureAwait(false);
        progress?.Report(new RotationProgress(RotationStep.SwitchIndexReplaced, index.Count, index.Count));

        var snapshots = await CopyMissingAsync(store, backend, FileType.Snapshot, ct).ConfigureAwait(false);
        await RemoveOthersAsync(backend, FileType.Snapshot, snapshots, ct).ConfigureAwait(false);
        progress?.Report(new RotationProgress(RotationStep.SwitchSnapshotsReplaced, snapshots.Count, snapshots.Count));

        // Locks sealed with the old key would block restic for good (it cannot read them): they go, with stale ones.
        var liveLocks = (await RepositoryLock.ListAsync(live, ct).ConfigureAwait(false))
            .Where(l => !RepositoryLock.IsStale(l.Info, clock)).Select(l => l.Id.ToString()).ToHashSet();
        await RemoveOthersAsync(backend, FileType.Lock, liveLocks, ct).ConfigureAwait(false);
        progress?.Report(new RotationProgress(RotationStep.SwitchLocksRemoved, 1, 1));

        await live.LoadIndexAsync(ct).ConfigureAwait(false);
        live.EnsureIndexComplete(); // never remove packs on the word of a partial index
        var oldPacks = new List<string>();
        await foreach (var e in backend.ListAsync(FileType.Pack, ct).ConfigureAwait(false))
            if (!live.Index.HasPack(Model.BlobId.Parse(e.Name))) oldPacks.Add(e.Name);
        foreach (var name in oldPacks) await RemoveAsync(backend, FileType.Pack, name, ct).ConfigureAwait(false);
        progress?.Report(new RotationProgress(RotationStep.SwitchOldPacksRemoved, oldPacks.Count, oldPacks.Count));

        var sealedCode = store.LoadRecoveryCode();
        var code = sealedCode is null ? null : Encoding.ASCII.GetString(newKey.Open(sealedCode));
        store.Delete();
        return new RotationResult([.. stagedKeys.Select(k => k[..8])], removedKeys, code, live.Index.PackCount, snapshots.Count, index.Count, oldPacks.Count, resumed);
    }

    /// <summary>The new master key, from the rotation folder's key files (exit 12 when the password opens none of them).</summary>
    public static async Task<(CryptoKey Key, string KeyName)> UnlockStagedAsync(RotationStore store, ReadOnlyMemory<byte> password, CancellationToken ct)
    {
        var recoveryForm = RecoveryCode.AlternativeFor(password.Span);
        foreach (var (id, keyFile) in await KeyManager.LoadAllAsync(store.Staged, ct).ConfigureAwait(false))
        {
            var key = keyFile.TryUnlock(password.Span, ct);
            if (key is null && recoveryForm is not null && RecoveryCode.IsRecoveryKey(keyFile)) key = keyFile.TryUnlock(recoveryForm, ct);
            if (key is not null) return (key, id);
        }
        throw new CoffreException("this password opens none of the new key files of the interrupted rotation: use the password it was started with", ExitCodes.WrongPassword);
    }

    private static (string, string, Model.GoTime) Identity(KeyFile k) => (k.Username, k.Hostname, k.Created);

    private static bool ConfigOpens(byte[] sealedConfig, CryptoKey key)
    {
        try
        {
            key.Open(sealedConfig);
            return true;
        }
        catch (CryptographicException) { return false; }
    }

    /// <summary>Copies the staged objects of a type that the repository lacks (same names); returns all staged names.</summary>
    private static async Task<HashSet<string>> CopyMissingAsync(RotationStore store, IStorageBackend backend, FileType type, CancellationToken ct)
    {
        var names = new HashSet<string>();
        await foreach (var e in store.Staged.ListAsync(type, ct).ConfigureAwait(false)) names.Add(e.Name);
        foreach (var name in names)
        {
            var handle = new StorageHandle(type, name);
            if (await backend.StatAsync(handle, ct).ConfigureAwait(false) is not null) continue;
            await backend.SaveAsync(handle, await store.Staged.LoadAsync(handle, ct).ConfigureAwait(false), ct).ConfigureAwait(false);
        }
        return names;
    }

    private static async Task RemoveOthersAsync(IStorageBackend backend, FileType type, HashSet<string> keep, CancellationToken ct)
    {
        var others = new List<string>();
        await foreach (var e in backend.ListAsync(type, ct).ConfigureAwait(false))
            if (!keep.Contains(e.Name)) others.Add(e.Name);
        foreach (var name in others) await RemoveAsync(backend, type, name, ct).ConfigureAwait(false);
    }

    private static async Task RemoveAsync(IStorageBackend backend, FileType type, string name, CancellationToken ct)
    {
        try { await backend.RemoveAsync(new StorageHandle(type, name), ct).ConfigureAwait(false); }
        catch (StorageNotFoundException) { }
    }
}
