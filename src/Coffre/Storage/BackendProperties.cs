namespace Coffre.Storage;

/// <summary>
/// What a backend is, as data, so that callers never test its type.
/// </summary>
/// <param name="MaxConnections">How many calls the backend serves at once; the opener's limiter keeps to it.</param>
/// <param name="StagingFolder">
/// A folder on the repository's own file system where packs may be staged, so that storing one is a rename
/// (a local repository: its data/ folder); null for remote backends, whose packs are staged in a private temp
/// folder and streamed once.
/// </param>
/// <param name="LocalFolder">The repository's folder when it is a local one (master-key rotation keeps its state there); else null.</param>
/// <param name="AtomicReplace">Whether saving over an existing name replaces it in one step (object stores) instead of failing.</param>
public sealed record BackendProperties(int MaxConnections, string? StagingFolder = null, string? LocalFolder = null, bool AtomicReplace = false)
{
    /// <summary>A remote backend: no local folder, packs staged elsewhere.</summary>
    public static BackendProperties Remote(int maxConnections, bool atomicReplace = false) => new(maxConnections, AtomicReplace: atomicReplace);
}

/// <summary>Free space where the repository is stored, when the backend can tell.</summary>
public readonly record struct StorageCapacity(long? AvailableBytes)
{
    public static readonly StorageCapacity Unknown = new(null);
    public bool IsKnown => AvailableBytes is not null;
}
