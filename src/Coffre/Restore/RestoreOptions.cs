namespace Coffre.Restore;

/// <summary>Where and what to restore.</summary>
public sealed record RestoreOptions
{
    /// <summary>The folder the snapshot's absolute paths are recreated under.</summary>
    public required string Target { get; init; }
    /// <summary>Paths inside the snapshot (e.g. <c>/srv/app/media/2024</c>) to restore; empty = everything.</summary>
    public IReadOnlyList<string> Includes { get; init; } = [];
    /// <summary>
    /// A folder holding <see cref="Target"/> (the <c>--target</c> a person chose, when the target is a folder inside
    /// it): the folders from there down to the target are made or opened one by one without following a symlink.
    /// Without it, only the target itself must not be a symlink.
    /// </summary>
    public string? Within { get; init; }
    /// <summary>Replace files that already exist in the target (otherwise a non-empty target is refused).</summary>
    public bool Overwrite { get; init; }
    /// <summary>
    /// A folder of the snapshot (e.g. <c>/media/uploads</c>) whose contents are restored into <see cref="Target"/>
    /// itself, instead of the whole snapshot under it. <see cref="Includes"/> stay paths of the whole snapshot.
    /// </summary>
    public string? From { get; init; }
    /// <summary>
    /// With <see cref="Overwrite"/>: remove what the target holds and the snapshot does not, in every folder
    /// restored whole, so the target ends up equal to the snapshot (a media folder put back to a moment).
    /// </summary>
    public bool RemoveExtra { get; init; }
    /// <summary>With <see cref="RemoveExtra"/>: paths (absolute) never removed, e.g. what the media folder's excludes match.</summary>
    public Func<string, bool>? Keep { get; init; }
    /// <summary>
    /// With <see cref="Overwrite"/>: a file already there with the snapshot's size and modification time (what a
    /// restore plan calls unchanged) is left exactly as it is: not removed, rewritten or chmod-ed.
    /// </summary>
    public bool KeepUnchanged { get; init; }
    /// <summary>How many blobs are read, checked and written at once.</summary>
    public int Workers { get; init; } = Math.Max(2, Environment.ProcessorCount);
}

/// <summary>Live counters of a running restore, read by the hosts.</summary>
public sealed class RestoreProgress
{
    private long _filesDone, _bytesDone;
    public long FilesDone => Interlocked.Read(ref _filesDone);
    public long BytesDone => Interlocked.Read(ref _bytesDone);
    public long TotalFiles { get; internal set; }
    public long TotalBytes { get; internal set; }
    internal void File() => Interlocked.Increment(ref _filesDone);
    internal void Bytes(long n) => Interlocked.Add(ref _bytesDone, n);
}

/// <summary>What a restore wrote.</summary>
public sealed record RestoreResult(long Files, long Directories, long Bytes, IReadOnlyList<string> Warnings)
{
    /// <summary>Files removed from the target because the snapshot does not have them (<see cref="RestoreOptions.RemoveExtra"/>).</summary>
    public long Removed { get; init; }

    /// <summary>Files left as they were because they were unchanged (<see cref="RestoreOptions.KeepUnchanged"/>).</summary>
    public long Unchanged { get; init; }

    /// <summary>
    /// What could not be restored because the repository's data for it is damaged or missing; nothing is left in
    /// the target for those paths (no empty or partial file). Everything else was restored.
    /// </summary>
    public IReadOnlyList<RestoreFailure> Failures { get; init; } = [];

    public bool Complete => Failures.Count == 0;
}

/// <summary>A path of the target that could not be restored, and why.</summary>
public sealed record RestoreFailure(string Path, string Reason);
