using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using Coffre.Application;
using Coffre.Jobs;
using Coffre.Repository;
using Coffre.Storage;
using OpenRepository = Coffre.Repository.Repository;

namespace Coffre.Server;

/// <summary>
/// The service's one open read session of its repository, shared by the dashboard, the downloads and /health: the
/// key is derived (scrypt) and the index loaded once, not on every request. Before each use the repository's
/// <c>keys/</c>, <c>index/</c> and <c>snapshots/</c> are listed (names only) and compared with what the session
/// holds, with the local damage ledger's stamp:
/// <list type="bullet">
/// <item>same: the session is used as it is;</item>
/// <item>index or snapshot files added (a backup): only those are read;</item>
/// <item>snapshot files removed (forget): they are dropped;</item>
/// <item>a key file added or removed (a password change), an index file removed (prune, repair), the damage ledger
/// changed (a check, a drill, a restore proved a pack bad): the repository is opened again;</item>
/// <item>the listing fails, or a reader reports an error (<see cref="Invalidate"/>): opened again at the next use.</item>
/// </list>
/// An open that failed (wrong password, no repository) is not retried for <see cref="RetryAfterFailure"/>, so a bad
/// day does not cost a key derivation per request. The repository type is named only here (<see cref="OpenRepository"/>).
/// </summary>
public sealed class ReadSession(ServerSetup setup, TimeProvider clock) : IDisposable
{
    /// <summary>How long a failed open is answered from memory before it is tried again.</summary>
    public static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(10);

    private readonly SemaphoreSlim gate = new(1, 1);
    private State? state;
    private (DateTimeOffset At, ExceptionDispatchInfo Error)? failure;
    private int opens;

    public ReadSession(ServerSetup setup) : this(setup, setup.Clock) { }

    /// <summary>How many times the repository was opened (a key derivation and an index load each).</summary>
    public int Opens => Volatile.Read(ref opens);

    /// <summary>The open repository, its index loaded and current.</summary>
    public async Task<OpenRepository> RepositoryAsync(CancellationToken ct) => (await CurrentAsync(ct).ConfigureAwait(false)).Repository;

    /// <summary>Every snapshot that can be read, oldest first (as <see cref="OpenRepository.LoadSnapshotsAsync"/>), each read once per session.</summary>
    public async Task<IReadOnlyList<SnapshotEntry>> SnapshotsAsync(CancellationToken ct) => (await CurrentAsync(ct).ConfigureAwait(false)).Snapshots;

    /// <summary>
    /// A backup's metadata.json, read once per session (a snapshot never changes); a failure to read it is
    /// remembered as well, and thrown again, until the repository changes.
    /// </summary>
    public async Task<ApplicationMetadata?> MetadataAsync(SnapshotEntry snapshot, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        // A snapshot's metadata never changes: the session as it is serves, without listing the repository again
        // (a page asks for each of its 1,000 backups right after SnapshotsAsync checked it).
        var current = Volatile.Read(ref state) ?? await CurrentAsync(ct).ConfigureAwait(false);
        var read = current.Metadata.GetOrAdd(snapshot.Id.ToString(), _ => BackupManager.ReadMetadataAsync(current.Repository, snapshot.Snapshot.Tree, CancellationToken.None));
        return await read.WaitAsync(ct).ConfigureAwait(false);
    }

    /// <summary>A reader met an error the session may be the cause of (an index gone stale): the next use opens the repository again.</summary>
    public void Invalidate() => Volatile.Write(ref state, null);

    private async Task<State> CurrentAsync(CancellationToken ct)
    {
        await gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (state is { } held)
            {
                try
                {
                    var listing = await Listing.TakeAsync(held.Repository, ct).ConfigureAwait(false);
                    if (held.Listing.Same(listing)) return held;
                    if (held.Listing.CanCatchUp(listing)) return state = await held.CatchUpAsync(listing, ct).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested) { }
                state = null;
            }
            if (failure is { } f && clock.GetUtcNow() - f.At < RetryAfterFailure) f.Error.Throw();
            try
            {
                Interlocked.Increment(ref opens);
                var repo = await new BackupManager(setup.Config, clock, setup.Environment).OpenRepositoryAsync(null, loadIndex: false, ct).ConfigureAwait(false);
                // Listed before the index is read: what is added meanwhile is read at the next use.
                var listing = await Listing.TakeAsync(repo, ct).ConfigureAwait(false);
                await repo.LoadIndexAsync(ct).ConfigureAwait(false);
                repo.EnsureIndexComplete();
                state = await new State(repo, Listing.Empty with { Keys = listing.Keys, Index = listing.Index, Damage = listing.Damage }, []).CatchUpAsync(listing, ct).ConfigureAwait(false);
                failure = null;
                return state;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failure = (clock.GetUtcNow(), ExceptionDispatchInfo.Capture(e));
                throw;
            }
        }
        finally { gate.Release(); }
    }

    public void Dispose() => gate.Dispose();

    /// <summary>An open repository, its snapshots read so far and the listing they match.</summary>
    private sealed record State(OpenRepository Repository, Listing Listing, IReadOnlyList<SnapshotEntry> Snapshots)
    {
        public ConcurrentDictionary<string, Task<ApplicationMetadata?>> Metadata { get; } = new(StringComparer.Ordinal);

        /// <summary>Reads the index and snapshot files <paramref name="now"/> names that this state has not read.</summary>
        public async Task<State> CatchUpAsync(Listing now, CancellationToken ct)
        {
            if (!now.Index.SetEquals(Listing.Index))
            {
                await Repository.LoadIndexAsync(ct).ConfigureAwait(false); // reads only the files it has not read
                Repository.EnsureIndexComplete();
            }
            var snapshots = Snapshots.Where(s => now.Snapshots.Contains(s.Id.ToString())).ToList();
            foreach (var name in now.Snapshots.Except(Listing.Snapshots, StringComparer.Ordinal))
            {
                try { snapshots.Add(await Repository.LoadSnapshotAsync(name, ct).ConfigureAwait(false)); }
                catch (Exception e) when (e is InvalidDataException or System.Text.Json.JsonException or FormatException) { } // a damaged snapshot file: skipped, as LoadSnapshotsAsync does
            }
            snapshots.Sort((a, b) => a.Snapshot.Time.ToDateTimeOffset().CompareTo(b.Snapshot.Time.ToDateTimeOffset()));
            var next = new State(Repository, now, snapshots);
            foreach (var (id, read) in Metadata) next.Metadata[id] = read;
            return next;
        }
    }

    /// <summary>The names in keys/, index/ and snapshots/, and the damage ledger's stamp.</summary>
    private sealed record Listing(HashSet<string> Keys, HashSet<string> Index, HashSet<string> Snapshots, string Damage)
    {
        public static readonly Listing Empty = new([], [], [], "");

        public static async Task<Listing> TakeAsync(OpenRepository repo, CancellationToken ct)
        {
            var keys = await NamesAsync(repo.Backend, FileType.Key, ct).ConfigureAwait(false);
            var index = await NamesAsync(repo.Backend, FileType.Index, ct).ConfigureAwait(false);
            // After the index: a backup saves its index before its snapshot, so every snapshot listed here is indexed.
            var snapshots = await NamesAsync(repo.Backend, FileType.Snapshot, ct).ConfigureAwait(false);
            var ledger = repo.Damage.Folder.Length == 0 ? null : new FileInfo(repo.Damage.FilePath);
            return new Listing(keys, index, snapshots, ledger is { Exists: true } ? $"{ledger.Length}@{ledger.LastWriteTimeUtc.Ticks}" : "-");
        }

        public bool Same(Listing now) =>
            Keys.SetEquals(now.Keys) && Index.SetEquals(now.Index) && Snapshots.SetEquals(now.Snapshots) && Damage == now.Damage;

        /// <summary>Only files were added (a backup): the open repository reads them; anything removed or a new key opens it again.</summary>
        public bool CanCatchUp(Listing now) =>
            Keys.SetEquals(now.Keys) && Damage == now.Damage && Index.IsSubsetOf(now.Index);

        private static async Task<HashSet<string>> NamesAsync(IStorageBackend backend, FileType type, CancellationToken ct)
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            await foreach (var e in backend.ListAsync(type, ct).ConfigureAwait(false)) names.Add(e.Name);
            return names;
        }
    }
}
