using System.Text.Json;
using Coffre.Model;
using Coffre.Platform;

namespace Coffre.Repository.Index;

/// <summary>One proof that a copy of data in the repository is damaged.</summary>
/// <param name="Pack">The pack (full ID).</param>
/// <param name="Blob">The blob that failed, or null when the whole pack is bad (missing, cut short, unreadable header).</param>
/// <param name="Reason">What was seen, e.g. "blob 1a2b3c4d fails its MAC check".</param>
/// <param name="FoundBy">The command that saw it: check, restore, drill, backup...</param>
public sealed record DamageProof(string Pack, string? Blob, string Reason, string FoundBy, DateTimeOffset At);

/// <summary>A snapshot the last check on this machine found damaged: <see cref="Paths"/> paths cannot be restored.</summary>
public sealed record SnapshotDamage(string Snapshot, int Paths, DateTimeOffset At);

/// <summary>
/// What this machine has proven damaged in one repository, kept in
/// <c>$XDG_CACHE_HOME/coffre/&lt;repository id&gt;-&lt;location hash&gt;/damage.json</c> (docs/repair.md). A cache, never a second truth:
/// an entry only ever makes Coffre more careful (the backup stores that data again instead of deduplicating
/// against the bad copy, readers skip to another copy, check reports it), so a lost or deleted file costs at most
/// the work of finding the damage again. Entries for packs that no index names any more (repaired, pruned) are
/// dropped when they are applied; a check that reads a pack and finds it sound clears that pack's entries.
/// </summary>
public sealed class DamageLedger
{
    public const string FileName = "damage.json";
    /// <summary>A ledger file larger than this is not read (it is a cache: starting afresh is safe).</summary>
    private const long MaxFileBytes = 16 << 20;
    private const int MaxProofs = 100_000;

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
    };

    private readonly Lock _lock = new();
    private List<DamageProof>? _proofs;
    private List<SnapshotDamage> _snapshots = [];

    public DamageLedger(string folder) => Folder = folder;

    /// <summary>The folder of one repository's ledger.</summary>
    public string Folder { get; }

    public string FilePath => Path.Combine(Folder, FileName);

    /// <summary>The cache folder: $XDG_CACHE_HOME/coffre, else ~/.cache/coffre; null without an absolute home (nothing is kept then).</summary>
    public static string? CacheRoot()
    {
        if (Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg && Path.IsPathRooted(xdg)) return Path.Combine(xdg, "coffre");
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.IsPathRooted(home) && home != "/" ? Path.Combine(home, ".cache", "coffre") : null;
    }

    /// <summary>
    /// The ledger of the repository with this ID (the config's, 64 hex characters) stored at <paramref name="location"/>.
    /// Damage belongs to the storage, not to the repository's ID: two copies of one repository (a restored copy, a
    /// synced folder, restic's test repositories) share the ID while only one of them may be damaged, so each location
    /// has a ledger of its own.
    /// </summary>
    public static DamageLedger ForRepository(string repositoryId, string location = "")
    {
        ArgumentNullException.ThrowIfNull(repositoryId);
        ArgumentNullException.ThrowIfNull(location);
        // The ID comes from the repository's config: only a well-formed one becomes a folder name.
        var safe = repositoryId.Length is > 0 and <= 64 && repositoryId.All(char.IsAsciiHexDigit) ? repositoryId.ToLowerInvariant() : "invalid-id";
        if (location.Length > 0) safe += "-" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(location)))[..16];
        return new DamageLedger(CacheRoot() is { } root ? Path.Combine(root, safe) : "");
    }

    /// <summary>Every proof recorded (oldest first).</summary>
    public IReadOnlyList<DamageProof> Proofs
    {
        get { lock (_lock) return [.. Loaded()]; }
    }

    /// <summary>Records a proof (once per pack and blob) and saves the ledger. Never fails the caller.</summary>
    public void Record(BlobId pack, BlobId? blob, string reason, string foundBy) => Record([(pack, blob, reason)], foundBy);

    /// <summary>Records proofs (once per pack and blob) and saves the ledger once. Never fails the caller.</summary>
    public void Record(IEnumerable<(BlobId Pack, BlobId? Blob, string Reason)> found, string foundBy)
    {
        ArgumentNullException.ThrowIfNull(found);
        lock (_lock)
        {
            var proofs = Loaded();
            // What is already recorded, looked up by key: a check may prove tens of thousands of blobs bad at once.
            var known = new HashSet<(string Pack, string? Blob)>(proofs.Select(x => (x.Pack, x.Blob)));
            var added = false;
            foreach (var (pack, blob, reason) in found)
            {
                var p = pack.ToString();
                var b = blob?.ToString();
                if (proofs.Count >= MaxProofs || known.Contains((p, null)) || !known.Add((p, b))) continue;
                proofs.Add(new DamageProof(p, b, reason, foundBy, DateTimeOffset.UtcNow));
                added = true;
            }
            if (added) Save(proofs);
        }
    }

    /// <summary>The snapshots the last check found damaged (shown by 'coffre snapshots').</summary>
    public IReadOnlyList<SnapshotDamage> DamagedSnapshots
    {
        get
        {
            lock (_lock)
            {
                Loaded();
                return [.. _snapshots];
            }
        }
    }

    /// <summary>Replaces the list of damaged snapshots (a check has just walked them all).</summary>
    public void SetDamagedSnapshots(IEnumerable<(BlobId Snapshot, int Paths)> damaged)
    {
        ArgumentNullException.ThrowIfNull(damaged);
        lock (_lock)
        {
            var proofs = Loaded();
            var list = damaged.Take(MaxProofs).Select(d => new SnapshotDamage(d.Snapshot.ToString(), d.Paths, DateTimeOffset.UtcNow)).ToList();
            if (list.Count == 0 && _snapshots.Count == 0) return;
            _snapshots = list;
            Save(proofs);
        }
    }

    /// <summary>Drops snapshots from the damaged list (repaired, removed).</summary>
    public void ForgetSnapshots(IReadOnlySet<string> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        lock (_lock)
        {
            var proofs = Loaded();
            if (_snapshots.RemoveAll(d => ids.Contains(d.Snapshot)) > 0) Save(proofs);
        }
    }

    /// <summary>Drops the proofs that match and saves; returns how many went.</summary>
    public int Forget(Func<DamageProof, bool> match)
    {
        ArgumentNullException.ThrowIfNull(match);
        lock (_lock)
        {
            var proofs = Loaded();
            var n = proofs.RemoveAll(x => match(x));
            if (n > 0) Save(proofs);
            return n;
        }
    }

    /// <summary>
    /// Marks every proven-bad copy in the index. Proofs about packs the index no longer names are dropped (the pack
    /// was repaired or pruned away): only call this with a complete index.
    /// </summary>
    public void ApplyTo(MasterIndex index)
    {
        ArgumentNullException.ThrowIfNull(index);
        var stale = new List<DamageProof>();
        foreach (var p in Proofs)
        {
            if (!BlobId.TryParse(p.Pack, out var pack) || !index.HasPack(pack))
            {
                stale.Add(p);
                continue;
            }
            BlobId? blob = p.Blob is not null && BlobId.TryParse(p.Blob, out var b) ? b : null;
            index.MarkBad(pack, blob);
        }
        if (stale.Count > 0) Forget(stale.Contains);
    }

    private List<DamageProof> Loaded() => _proofs ??= Load();

    private List<DamageProof> Load()
    {
        if (Folder.Length == 0) return [];
        try
        {
            var info = new FileInfo(FilePath);
            if (!info.Exists || info.Length > MaxFileBytes) return [];
            var file = JsonSerializer.Deserialize<LedgerFile>(File.ReadAllBytes(FilePath), Json);
            _snapshots = file?.Snapshots?.Where(d => d?.Snapshot is not null).Take(MaxProofs).ToList() ?? [];
            return file?.Proofs?.Where(p => p?.Pack is not null).Take(MaxProofs).ToList() ?? [];
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return []; // a torn, foreign or unreadable cache: start afresh
        }
    }

    private void Save(List<DamageProof> proofs)
    {
        if (Folder.Length == 0) return; // no home to keep a cache in: the proof holds for this run only
        try
        {
            Posix.MakeDirectoryAll(UnixPath.FromString(Folder), 0x1C0 /* 0700 */);
            var temp = FilePath + $".{Environment.ProcessId}.tmp";
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite };
            using (var stream = new FileStream(temp, options))
            {
                JsonSerializer.Serialize(stream, new LedgerFile { Proofs = proofs, Snapshots = _snapshots }, Json);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, FilePath, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CoffreException)
        {
            // A cache that cannot be written (read-only home): the damage is still reported by the command that
            // found it, and found again by the next check.
        }
    }

    private sealed class LedgerFile
    {
        public List<DamageProof> Proofs { get; set; } = [];
        public List<SnapshotDamage> Snapshots { get; set; } = [];
    }
}
