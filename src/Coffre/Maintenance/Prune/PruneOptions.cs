namespace Coffre.Maintenance.Prune;

/// <summary>How far a prune goes (restic's options of the same names and defaults).</summary>
public sealed record PruneOptions
{
    /// <summary>Unused data tolerated after the prune; partly used packs are repacked until it is reached.</summary>
    public UnusedLimit MaxUnused { get; init; } = UnusedLimit.Percent(5);

    /// <summary>At most this many bytes of packs are repacked (null: no limit; 0: only whole unused packs go).</summary>
    public long? MaxRepackBytes { get; init; }

    /// <summary>Also gather packs below 80% of the target pack size (by default only very small ones, below 4%).</summary>
    public bool RepackSmall { get; init; }
}
