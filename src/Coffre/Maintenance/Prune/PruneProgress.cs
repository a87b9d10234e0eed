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
public readonly record struct PruneStep(PruneStage Stage, int Total);
