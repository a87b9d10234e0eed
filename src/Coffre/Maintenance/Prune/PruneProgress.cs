namespace Coffre.Maintenance.Prune;

/// <summary>The steps of a prune, in the order they run.</summary>
public enum PruneStage
{
    RemovingUnindexedPacks,
    Repacking,
    WritingIndex,
    RemovingIndexFiles,
    RemovingPacks,
}

/// <summary>A step starting (<paramref name="Total"/> things to do in it), reported to the host that draws progress.</summary>
public readonly record struct PruneStep(PruneStage Stage, int Total)
{
    /// <summary>What the step does, e.g. <c>repacking 3 packs</c>.</summary>
    public string Describe() => Stage switch
    {
        PruneStage.RemovingUnindexedPacks => $"deleting {Total} unreferenced packs",
        PruneStage.Repacking => $"repacking {Total} packs",
        PruneStage.WritingIndex => $"writing the index of {Total} kept packs",
        PruneStage.RemovingIndexFiles => $"deleting {Total} old index files",
        PruneStage.RemovingPacks => $"deleting {Total} packs",
        _ => Stage.ToString(),
    };
}
