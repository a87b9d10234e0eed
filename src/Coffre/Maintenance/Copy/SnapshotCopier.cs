using System.Text.Json;
using Coffre.Model;
using Coffre.Model.Json;
using Coffre.Repository;
using Coffre.Storage;

namespace Coffre.Maintenance.Copy;

/// <summary>
/// restic 0.14's <c>copy</c>: snapshots of a source repository are copied into a destination repository. A source
/// snapshot the destination already holds (a "similar" snapshot whose <c>original</c> or ID is the source's
/// persistent ID: <see cref="SimilarSnapshots"/>) is skipped. For the others every tree is walked and only the blobs
/// the destination lacks travel: each is read from the source and verified there (MAC, length, SHA-256), then
/// sealed with the destination's key (a data blob keeps its stored, compressed form: <see cref="BlobResealer"/>) and
/// packed by the destination's own writer. The new snapshot
/// loses its <c>parent</c> and records <c>original</c>; it is written only once its packs and their index are stored.
/// A snapshot whose data cannot be read from the source (a damaged or missing pack, a forged tree) is refused and
/// the reason named; the others are still copied. A destination that fails to store stops the whole copy.
/// The caller holds a lock on each repository (non-exclusive both) and has loaded both indexes.
/// </summary>
public sealed class SnapshotCopier(Repository.Repository source, Repository.Repository destination, Action<string> say)
{
    private static readonly int Workers = Math.Clamp(Environment.ProcessorCount, 2, 8);

    // Trees whose whole content reached the destination in this run: another snapshot sharing them skips their walk.
    private readonly HashSet<BlobId> _completeTrees = [];

    /// <param name="snapshotIds">Snapshots to copy (full IDs, unique prefixes or <c>latest</c>); empty: every snapshot matching <paramref name="filter"/>.</param>
    public async Task<CopyResult> RunAsync(IReadOnlyList<string> snapshotIds, SnapshotFilter filter, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(snapshotIds);
        ArgumentNullException.ThrowIfNull(filter);
        destination.EnsureWritable();
        source.Activity = "copy";
        var result = new CopyResult();

        var copiesByOriginal = new Dictionary<BlobId, List<SnapshotEntry>>();
        foreach (var d in await destination.LoadSnapshotsAsync(ct).ConfigureAwait(false))
        {
            if (d.Snapshot.Original is { } original) Remember(copiesByOriginal, original, d);
            Remember(copiesByOriginal, d.Id, d); // a snapshot copied as files (rsync, cp) is its own original
        }

        foreach (var s in await ChosenSnapshotsAsync(snapshotIds, filter, result, ct).ConfigureAwait(false))
        {
            say($"\nsnapshot {s.Id.ToShortString()} of [{string.Join(" ", s.Snapshot.Paths)}] at {s.Snapshot.Time.ToDateTimeOffset():yyyy-MM-dd HH:mm:ss}");
            var original = s.Snapshot.Original ?? s.Id;
            var existing = copiesByOriginal.GetValueOrDefault(original)?.FirstOrDefault(d => SimilarSnapshots.AreSimilar(d.Snapshot, s.Snapshot));
            if (existing is not null)
            {
                say($"skipping source snapshot {s.Id.ToShortString()}, was already copied to snapshot {existing.Id.ToShortString()}");
                result.AlreadyThere.Add(new AlreadyCopiedSnapshot(s.Id, existing.Id));
                continue;
            }
            var refusal = await CopyDataAsync(s, result, ct).ConfigureAwait(false);
            if (refusal is not null)
            {
                say($"snapshot {s.Id.ToShortString()} NOT copied: {refusal}");
                result.Refused.Add(new RefusedSnapshot(s.Id.ToString(), refusal));
                continue;
            }
            ct.ThrowIfCancellationRequested(); // a lost lock: no snapshot after it
            var copy = SnapshotJson.Parse(SnapshotJson.Serialize(s.Snapshot));
            copy.Parent = null; // the parent means nothing in the destination
            copy.Original = original;
            var id = await destination.SaveJsonAsync(FileType.Snapshot, SnapshotJson.Serialize(copy), ct).ConfigureAwait(false);
            say($"snapshot {id.ToShortString()} saved");
            result.Copied.Add(new CopiedSnapshot(s.Id, id));
            Remember(copiesByOriginal, original, new SnapshotEntry(id, copy));
        }
        return result;
    }

    private static void Remember(Dictionary<BlobId, List<SnapshotEntry>> map, BlobId key, SnapshotEntry entry)
    {
        if (!map.TryGetValue(key, out var list)) map[key] = list = [];
        list.Add(entry);
    }

    /// <summary>The source snapshots to copy, oldest first; a snapshot file that cannot be read is refused by name.</summary>
    private async Task<List<SnapshotEntry>> ChosenSnapshotsAsync(IReadOnlyList<string> ids, SnapshotFilter filter, CopyResult result, CancellationToken ct)
    {
        var names = new List<string>();
        await foreach (var e in source.Backend.ListAsync(FileType.Snapshot, ct).ConfigureAwait(false)) names.Add(e.Name);
        var chosen = new List<SnapshotEntry>();
        if (ids.Count == 0)
        {
            foreach (var name in names)
                if (await TryLoadAsync(name, result, ct).ConfigureAwait(false) is { } s && filter.Matches(s.Snapshot)) chosen.Add(s);
        }
        else
        {
            foreach (var id in ids.Distinct(StringComparer.Ordinal))
            {
                if (id == "latest")
                {
                    var all = new List<SnapshotEntry>();
                    foreach (var name in names)
                        if (await TryLoadAsync(name, result, ct).ConfigureAwait(false) is { } s && filter.Matches(s.Snapshot)) all.Add(s);
                    chosen.Add(all.MaxBy(s => (s.Snapshot.Time.UnixSeconds, s.Snapshot.Time.Nanoseconds))
                        ?? throw new CoffreException("no snapshot matches 'latest' in the source repository"));
                    continue;
                }
                var matches = names.Where(n => n.StartsWith(id, StringComparison.Ordinal)).ToList();
                if (matches.Count != 1)
                    throw new CoffreException(matches.Count == 0 ? $"no snapshot with ID {id} in the source repository" : $"snapshot ID prefix {id} is ambiguous: give more characters");
                if (await TryLoadAsync(matches[0], result, ct).ConfigureAwait(false) is { } one) chosen.Add(one);
            }
        }
        // The same snapshot named twice (an ID and "latest") is copied once.
        return [.. chosen.DistinctBy(s => s.Id).OrderBy(s => s.Snapshot.Time.UnixSeconds).ThenBy(s => s.Snapshot.Time.Nanoseconds)];
    }

    private readonly Dictionary<string, SnapshotEntry?> _loaded = [];

    private async Task<SnapshotEntry?> TryLoadAsync(string name, CopyResult result, CancellationToken ct)
    {
        if (_loaded.TryGetValue(name, out var known)) return known;
        try { return _loaded[name] = await source.LoadSnapshotAsync(name, ct).ConfigureAwait(false); }
        catch (Exception e) when (e is InvalidDataException or JsonException or FormatException or StorageNotFoundException)
        {
            var reason = $"the snapshot file cannot be read: {e.Message}";
            say($"snapshot {name[..Math.Min(8, name.Length)]} NOT copied: {reason}");
            result.Refused.Add(new RefusedSnapshot(name, reason));
            return _loaded[name] = null;
        }
    }

    /// <summary>
    /// Brings every blob of the snapshot the destination lacks, then stores and indexes them. Null when done; the
    /// reason when the source cannot give some of the data (what travelled stays, unreferenced: prune frees it).
    /// </summary>
    private async Task<string?> CopyDataAsync(SnapshotEntry s, CopyResult result, CancellationToken ct)
    {
        var walked = new List<BlobId>();
        string? refusal = null;
        await using (var writer = new RepositoryWriter(destination))
        {
            var queued = new HashSet<BlobId>();
            try
            {
                await Parallel.ForEachAsync(WalkAsync(s.Snapshot.Tree, writer, queued, walked, ct),
                    new ParallelOptions { MaxDegreeOfParallelism = Workers, CancellationToken = ct },
                    async (id, token) => await CopyBlobAsync(writer, id, token).ConfigureAwait(false)).ConfigureAwait(false);
            }
            catch (SourceDamageException e)
            {
                refusal = e.Message;
            }
            await writer.FlushAsync(ct).ConfigureAwait(false);
            result.BlobsCopied += writer.DataBlobs + writer.TreeBlobs;
            result.BytesCopied += writer.DataAdded;
            result.BytesStored += writer.DataAddedPacked;
        }
        if (refusal is null) _completeTrees.UnionWith(walked);
        return refusal;
    }

    /// <summary>
    /// Walks the snapshot's trees (each once; those a snapshot of this run already brought over are skipped),
    /// stores the trees the destination lacks as they are (their IDs are their bytes' hash) and yields the data
    /// blobs it lacks.
    /// </summary>
    private async IAsyncEnumerable<BlobId> WalkAsync(BlobId root, RepositoryWriter writer, HashSet<BlobId> queued, List<BlobId> walked,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var pending = new Stack<(BlobId Tree, string Path, int Depth)>();
        pending.Push((root, "/", 0));
        var seen = new HashSet<BlobId>();
        while (pending.TryPop(out var t))
        {
            if (_completeTrees.Contains(t.Tree) || !seen.Add(t.Tree)) continue;
            if (t.Depth > NodeName.MaxTreeDepth)
                throw new SourceDamageException($"folder {t.Path} is more than {NodeName.MaxTreeDepth} levels deep: the tree is forged");
            walked.Add(t.Tree);
            var (buffer, length) = await ReadSourceAsync(t.Tree, $"tree {t.Tree.ToShortString()} of folder {t.Path}", ct).ConfigureAwait(false);
            List<Node> nodes;
            try
            {
                try { nodes = TreeJson.Parse(buffer.AsSpan(0, length)); }
                catch (Exception e) when (e is InvalidTreeException or InvalidDataException or JsonException or FormatException)
                {
                    throw new SourceDamageException($"tree {t.Tree.ToShortString()} of folder {t.Path} cannot be read: {e.Message}", e);
                }
                if (!destination.Index.Has(t.Tree))
                    await writer.SaveBlobAsync(BlobType.Tree, t.Tree, buffer.AsMemory(0, length), compress: true, ct).ConfigureAwait(false);
            }
            finally
            {
                BufferPool.Instance.Return(buffer);
            }
            foreach (var n in nodes)
            {
                foreach (var blob in n.Content ?? [])
                    if (!destination.Index.Has(blob) && queued.Add(blob)) yield return blob;
                if (n.Subtree is { } sub)
                    pending.Push((sub, t.Path == "/" ? "/" + n.DisplayName : t.Path + "/" + n.DisplayName, t.Depth + 1));
            }
        }
    }

    /// <summary>
    /// A data blob travels in its stored form, resealed with the destination's key (<see cref="BlobResealer"/>): it
    /// is verified, never compressed again. A copy in the source that fails is marked bad and the next one is tried.
    /// </summary>
    private async Task CopyBlobAsync(RepositoryWriter writer, BlobId id, CancellationToken ct)
    {
        if (!writer.TryReserve(id)) return;
        Exception? failure = null;
        while (source.Index.TryGetEntry(id, out var pack, out var entry))
        {
            var box = BufferPool.Instance.Rent((int)entry.Length);
            try
            {
                var n = await source.Backend.ReadAtAsync(new StorageHandle(FileType.Pack, pack.ToString()), entry.Offset, box.AsMemory(0, (int)entry.Length), ct).ConfigureAwait(false);
                if (n != entry.Length) throw new InvalidDataException($"pack {pack.ToShortString()} is truncated (blob {id.ToShortString()} missing)");
                var plainLength = BlobResealer.Reseal(box.AsSpan(0, n), entry, source.Key, destination.Key);
                await writer.AddEncodedAsync(BlobType.Data, id, box.AsMemory(0, n), entry.UncompressedLength, plainLength, ct).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (e is InvalidDataException or StorageNotFoundException)
            {
                failure ??= e is StorageNotFoundException ? new InvalidDataException($"pack {pack.ToShortString()} does not exist", e) : e;
                source.Index.MarkBad(pack, e is StorageNotFoundException ? null : id);
            }
            finally
            {
                BufferPool.Instance.Return(box);
            }
        }
        var reason = failure?.Message ?? (source.Index.IsIndexed(id) ? "damaged in every copy the index names" : "not in the index (missing data)");
        throw new SourceDamageException($"data blob {id.ToShortString()} cannot be read from the source ({reason}); run 'coffre check --read-data' on the source", failure);
    }

    /// <summary>Reads and verifies a blob in the source; a blob it cannot give is damage in the source, not a failed copy.</summary>
    private async Task<(byte[] Buffer, int Length)> ReadSourceAsync(BlobId id, string what, CancellationToken ct)
    {
        try { return await source.ReadBlobAsync(id, ct).ConfigureAwait(false); }
        catch (Exception e) when (e is InvalidDataException or StorageNotFoundException)
        {
            throw new SourceDamageException($"{what} cannot be read from the source ({e.Message}); run 'coffre check --read-data' on the source", e);
        }
    }

    /// <summary>The source cannot give some of a snapshot's data: that snapshot is refused, the copy goes on.</summary>
    private sealed class SourceDamageException(string message, Exception? inner = null) : Exception(message, inner);
}
