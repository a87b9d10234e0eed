using Coffre.Configuration;
using Coffre.Model;

namespace Coffre.Maintenance.Copy;

/// <summary>
/// Which of the primary's snapshots one copy holds: each copy snapshot is matched on restic's <c>original</c> field
/// (the ID of the snapshot it was copied from; its own ID when it has none), or why the copy could not be read.
/// </summary>
public sealed record CopyHolding(string Label, string Location, IReadOnlyDictionary<BlobId, BlobId> Held, string? Error)
{
    /// <summary>The copy's snapshot of <paramref name="original"/>, or null when the copy does not hold it (or could not be read).</summary>
    public BlobId? CopyOf(BlobId original) => Held.TryGetValue(original, out var id) ? id : null;
}

/// <summary>Reads every copy of coffre.json (<see cref="CopyHolding"/>); a copy that cannot be read is one with an error, never a failure.</summary>
public static class CopyHoldings
{
    /// <param name="environment">Where credentials and password variables come from; null: the process's.</param>
    public static async Task<IReadOnlyList<CopyHolding>> ReadAsync(CoffreConfig config, IReadOnlyDictionary<string, string?>? environment, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(config);
        var holdings = new List<CopyHolding>();
        foreach (var copy in config.Copies)
        {
            var location = copy.Location is null ? copy.ToString() : Storage.RepositoryLocation.Canonical(copy.Location);
            try
            {
                var repo = await ConfiguredCopies.OpenAsync(copy, environment, ct).ConfigureAwait(false);
                var held = new Dictionary<BlobId, BlobId>();
                foreach (var s in await repo.LoadSnapshotsAsync(ct).ConfigureAwait(false))
                    held[s.Snapshot.Original ?? s.Id] = s.Id;
                holdings.Add(new CopyHolding(copy.Label, location, held, null));
            }
            catch (Exception e) when (!ct.IsCancellationRequested && e is not OutOfMemoryException)
            {
                holdings.Add(new CopyHolding(copy.Label, location, new Dictionary<BlobId, BlobId>(), e.Message));
            }
        }
        return holdings;
    }
}
