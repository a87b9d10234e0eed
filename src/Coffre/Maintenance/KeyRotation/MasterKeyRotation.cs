using System.Text;
using Coffre.Model;
using Coffre.Model.Json;
using Coffre.Repository;
using Coffre.Repository.Crypto;
using Coffre.Repository.Index;
using Coffre.Repository.Keys;
using Coffre.Repository.Locking;
using Coffre.Storage;

namespace Coffre.Maintenance.KeyRotation;

/// <summary>
/// Replaces a repository's master key (when it may have leaked): everything sealed with the old key — packs,
/// index files, snapshots, config, key files — is written again under a new random key, then the old objects go.
/// <para>
/// Preparing (resumable, the repository stays as it was): new key files, then every indexed pack re-encrypted
/// beside the old one (journaled pack by pack), every new pack read back and verified, new index files and
/// snapshots, the new config — all new small objects in <see cref="RotationStore"/>'s folder. Switching (only
/// forward): new key files in, config replaced atomically, old key files out, old index files and snapshots
/// replaced, old locks and every pack the new index does not name removed. At every point one password opens
/// the way forward: the new key files stay in the rotation folder until the very end.
/// </para>
/// </summary>
public static class MasterKeyRotation
{
    public static async Task<RotationResult> RunAsync(IStorageBackend backend, ReadOnlyMemory<byte> password, RotationOptions options, TimeProvider clock,
                                                      IProgress<RotationProgress>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        var store = RotationStore.For(backend);
        if (store.IsSwitching) return await RotationSwitch.RunAsync(backend, store, password, clock, progress, heldLock: null, resumed: true, ct).ConfigureAwait(false);

        var old = await Repository.Repository.OpenIgnoringRotationAsync(backend, password, ct).ConfigureAwait(false);
        if (old.Config.Version < 2)
            throw new CoffreException("this is a version 1 repository: upgrade it first ('restic migrate upgrade_repo_v2'), then rotate its key");
        RepositoryLock? oldLock = await RepositoryLock.AcquireAsync(old, exclusive: true, clock, ct).ConfigureAwait(false);
        try
        {
            var resumed = store.HasStarted;
            RotationStore.RemoveLeftoverStagingFiles(backend.Properties.StagingFolder);
            var newKey = resumed
                ? (await RotationSwitch.UnlockStagedAsync(store, password, ct).ConfigureAwait(false)).Key
                : await StageKeysAsync(old, store, password, options, clock, ct).ConfigureAwait(false);
            progress?.Report(new RotationProgress(RotationStep.KeysPrepared, 1, 1));

            await old.LoadIndexAsync(ct).ConfigureAwait(false);
            old.EnsureIndexComplete();
            var staged = Repository.Repository.WithKey(store.Staged, newKey, old.Config, "");
            var packs = await ReencryptPacksAsync(old, store, newKey, progress, ct).ConfigureAwait(false);
            await StageSnapshotsAsync(old, store, newKey, progress, ct).ConfigureAwait(false);
            await StageIndexAsync(store, staged, packs, progress, ct).ConfigureAwait(false);
            if (await store.Staged.ExistsAsync(ct).ConfigureAwait(false))
                await store.Staged.RemoveAsync(StorageHandle.Config, ct).ConfigureAwait(false);
            // The config keeps its content (and so the repository ID); only the key sealing it changes.
            await store.Staged.SaveAsync(StorageHandle.Config, newKey.Seal(old.Config.Serialize()), ct).ConfigureAwait(false);
            progress?.Report(new RotationProgress(RotationStep.Prepared, 1, 1));

            await store.MarkSwitchingAsync(ct).ConfigureAwait(false);
            var held = oldLock;
            oldLock = null; // the switch takes a lock under the new key, then releases this one
            return await RotationSwitch.RunAsync(backend, store, password, clock, progress, held, resumed, ct).ConfigureAwait(false);
        }
        finally
        {
            if (oldLock is not null) await oldLock.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Drops a rotation that has not begun switching: removes the re-encrypted packs it wrote and its folder. The
    /// repository is then exactly as before (the old master key still in use).
    /// </summary>
    public static async Task<int> AbortAsync(IStorageBackend backend, ReadOnlyMemory<byte> password, TimeProvider clock, CancellationToken ct)
    {
        var store = RotationStore.For(backend);
        if (store.IsSwitching)
            throw new CoffreException("the rotation has begun replacing the old objects and can only be finished: run 'coffre key rotate-master' without --abort");
        if (!store.Exists) throw new CoffreException("no master-key rotation to abort");
        var old = await Repository.Repository.OpenIgnoringRotationAsync(backend, password, ct).ConfigureAwait(false);
        await using var held = await RepositoryLock.AcquireAsync(old, exclusive: true, clock, ct).ConfigureAwait(false);
        await old.LoadIndexAsync(ct).ConfigureAwait(false);
        RotationStore.RemoveLeftoverStagingFiles(backend.Properties.StagingFolder);
        var removed = 0;
        foreach (var (_, newPack) in store.ReadJournal())
        {
            if (old.Index.HasPack(newPack)) continue; // never: new packs are named by no old index
            try
            {
                await backend.RemoveAsync(new StorageHandle(FileType.Pack, newPack.ToString()), ct).ConfigureAwait(false);
                removed++;
            }
            catch (StorageNotFoundException) { }
        }
        store.Delete();
        return removed;
    }

    /// <summary>New master key, key files for the carried keys (and a new recovery code) in the rotation folder, then "started".</summary>
    private static async Task<CryptoKey> StageKeysAsync(Repository.Repository old, RotationStore store, ReadOnlyMemory<byte> password, RotationOptions options,
                                                        TimeProvider clock, CancellationToken ct)
    {
        var plan = await RotationKeyPlan.BuildAsync(old, password, options, ct).ConfigureAwait(false);
        store.CreateEmpty();
        var newKey = CryptoKey.NewRandom();
        foreach (var carried in plan.Carried)
        {
            var keyFile = KeyFile.Create(carried.Password, newKey, carried.Old.Username, carried.Old.Hostname, clock.GetUtcNow());
            keyFile.Created = carried.Old.Created;
            await Repository.Repository.SaveKeyFileAsync(store.Staged, keyFile, ct).ConfigureAwait(false);
        }
        if (plan.MakeRecoveryKey)
        {
            var code = RecoveryCode.Generate();
            var keyFile = KeyFile.Create(Encoding.ASCII.GetBytes(code), newKey, RecoveryCode.Username, RecoveryCode.Hostname, clock.GetUtcNow());
            await Repository.Repository.SaveKeyFileAsync(store.Staged, keyFile, ct).ConfigureAwait(false);
            await store.SaveRecoveryCodeAsync(newKey.Seal(Encoding.ASCII.GetBytes(code)), ct).ConfigureAwait(false);
        }
        await store.MarkStartedAsync(ct).ConfigureAwait(false);
        return newKey;
    }

    /// <summary>Re-encrypts every indexed pack not yet done (two at a time), then reads every new pack back; returns the new index.</summary>
    private static async Task<List<IndexPack>> ReencryptPacksAsync(Repository.Repository old, RotationStore store, CryptoKey newKey,
                                                                   IProgress<RotationProgress>? progress, CancellationToken ct)
    {
        var sizes = new Dictionary<BlobId, long>();
        await foreach (var e in old.Backend.ListAsync(FileType.Pack, ct).ConfigureAwait(false)) sizes[BlobId.Parse(e.Name)] = e.Size;
        var indexed = old.Index.Packs();
        foreach (var pack in indexed)
            if (!sizes.ContainsKey(pack))
                throw new CoffreException($"pack {pack.ToShortString()} named by the index is missing: run 'coffre check' and repair the repository before rotating its key");

        var journal = store.ReadJournal();
        var todo = indexed.Where(p => !(journal.TryGetValue(p, out var q) && sizes.ContainsKey(q))).ToList();
        long done = indexed.Count - todo.Count;
        var options = new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = ct };
        await Parallel.ForEachAsync(todo, options, async (pack, token) =>
        {
            var newPack = await PackReencryptor.RewriteAsync(old.Backend, pack, sizes[pack], old.Key, newKey, token).ConfigureAwait(false);
            store.AppendJournal(pack, newPack);
            lock (journal) journal[pack] = newPack;
            progress?.Report(new RotationProgress(RotationStep.PackReencrypted, Interlocked.Increment(ref done), indexed.Count));
        }).ConfigureAwait(false);

        var result = new IndexPack[indexed.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, indexed.Count), options, async (i, token) =>
        {
            var newPack = journal[indexed[i]];
            List<IndexBlob> blobs;
            try { blobs = await PackReencryptor.VerifyAsync(old.Backend, newPack, newKey, token).ConfigureAwait(false); }
            catch (InvalidDataException)
            {
                // A copy damaged since it was written (or by an earlier, interrupted run): make it again, once.
                await old.Backend.RemoveAsync(new StorageHandle(FileType.Pack, newPack.ToString()), token).ConfigureAwait(false);
                newPack = await PackReencryptor.RewriteAsync(old.Backend, indexed[i], sizes[indexed[i]], old.Key, newKey, token).ConfigureAwait(false);
                store.AppendJournal(indexed[i], newPack);
                blobs = await PackReencryptor.VerifyAsync(old.Backend, newPack, newKey, token).ConfigureAwait(false);
            }
            result[i] = new IndexPack(newPack, blobs);
        }).ConfigureAwait(false);
        progress?.Report(new RotationProgress(RotationStep.PacksVerified, indexed.Count, indexed.Count));
        return [.. result];
    }

    /// <summary>
    /// Every snapshot opened with the old key and its stored plaintext, byte for byte, sealed with the new one
    /// (same JSON, so the same tree; a new ID). A damaged snapshot stops the rotation.
    /// </summary>
    private static async Task StageSnapshotsAsync(Repository.Repository old, RotationStore store, CryptoKey newKey,
                                                  IProgress<RotationProgress>? progress, CancellationToken ct)
    {
        await store.ClearStagedAsync(FileType.Snapshot, ct).ConfigureAwait(false);
        var names = new List<string>();
        await foreach (var e in old.Backend.ListAsync(FileType.Snapshot, ct).ConfigureAwait(false)) names.Add(e.Name);
        foreach (var name in names)
        {
            var stored = await old.Backend.LoadAsync(new StorageHandle(FileType.Snapshot, name), ct).ConfigureAwait(false);
            var plain = new byte[Math.Max(0, stored.Length - CryptoKey.Overhead)];
            if (BlobId.Hash(stored).ToString() != name || !old.Key.TryOpen(stored, plain))
                throw new CoffreException($"snapshot {name[..8]} is damaged (it does not match its name or fails its MAC check): repair or remove it before rotating the key");
            try { UnpackedFile.Decode(plain); }
            catch (InvalidDataException e) { throw new CoffreException($"snapshot {name[..8]} cannot be read ({e.Message}): repair or remove it before rotating the key"); }
            var resealed = newKey.Seal(plain);
            await store.Staged.SaveAsync(new StorageHandle(FileType.Snapshot, BlobId.Hash(resealed).ToString()), resealed, ct).ConfigureAwait(false);
        }
        progress?.Report(new RotationProgress(RotationStep.SnapshotsPrepared, names.Count, names.Count));
    }

    /// <summary>The new index: each new pack with the blobs its header lists, in files of at most 50 000 blobs.</summary>
    private static async Task StageIndexAsync(RotationStore store, Repository.Repository staged, List<IndexPack> packs,
                                              IProgress<RotationProgress>? progress, CancellationToken ct)
    {
        await store.ClearStagedAsync(FileType.Index, ct).ConfigureAwait(false);
        var files = 0;
        foreach (var group in IndexFileChunks.Split(packs))
        {
            await staged.SaveJsonAsync(FileType.Index, IndexJson.Serialize(group), ct).ConfigureAwait(false);
            files++;
        }
        progress?.Report(new RotationProgress(RotationStep.IndexPrepared, files, files));
    }
}
