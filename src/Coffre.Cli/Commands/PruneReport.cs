using Coffre.Cli.Output;
using Coffre.Maintenance.Prune;

namespace Coffre.Cli.Commands;

/// <summary>What prune prints: the plan's numbers (and, for a dry run, each pack), each step, or one JSON object.</summary>
internal static class PruneReport
{
    public static void PrintPlan(PrunePlan plan, long needed, long? available, bool dryRun)
    {
        var s = plan.Stats;
        Console.WriteLine($"used:         {s.UsedBlobs,8} blobs / {Units.Bytes(s.UsedBytes)}");
        if (s.DuplicateBlobs > 0) Console.WriteLine($"duplicates:   {s.DuplicateBlobs,8} blobs / {Units.Bytes(s.DuplicateBytes)}");
        Console.WriteLine($"unused:       {s.UnusedBlobs,8} blobs / {Units.Bytes(s.UnusedBytes)}");
        if (plan.UnindexedPacks.Count > 0) Console.WriteLine($"unreferenced: {plan.UnindexedPacks.Count,8} packs / {Units.Bytes(s.UnindexedBytes)} (no index names them)");
        Console.WriteLine($"packs:        {s.FullyUsedPacks} fully used, {s.PartlyUsedPacks} partly used, {s.UnusedPacks} unused");
        Console.WriteLine($"to repack:    {plan.Repack.Count,8} packs / {Units.Bytes(s.RepackBytes)}, copying {s.CopyBlobs} blobs / {Units.Bytes(s.CopyBytes)}");
        Console.WriteLine($"to delete:    {plan.RemovePacks.Count + plan.UnindexedPacks.Count,8} packs / {Units.Bytes(s.RemoveBytes + s.UnindexedBytes)}");
        if (plan.ForgetPacks.Count > 0) Console.WriteLine($"missing:      {plan.ForgetPacks.Count,8} packs the index names hold nothing needed: dropped from the index");
        if (plan.ObsoleteIndexFiles.Count > 0) Console.WriteLine($"index:        {plan.ObsoleteIndexFiles.Count,8} files replaced ({s.ReindexedPacks} kept packs described anew)");
        Console.WriteLine($"frees:        {Units.Bytes(s.FreedBytes)}; unused afterwards {Units.Bytes(s.UnusedAfter)}");
        if (needed > 0 && available is { } free) Console.WriteLine($"space:        needs {Units.Bytes(needed)} free to write, {Units.Bytes(free)} available{(needed > free ? " (NOT ENOUGH)" : "")}");
        else if (needed > 0) Console.WriteLine($"space:        needs {Units.Bytes(needed)} free to write, free space unknown (not checked)");
        if (!dryRun) return;
        foreach (var p in plan.UnindexedPacks) Console.WriteLine($"would delete pack {p.Id.ToShortString()} ({Units.Bytes(p.Size)}, no index names it)");
        foreach (var (id, blobs) in plan.Repack) Console.WriteLine($"would repack pack {id.ToShortString()} (keeping {blobs.Count} blobs / {Units.Bytes(blobs.Sum(b => (long)b.Length))})");
        foreach (var p in plan.RemovePacks) Console.WriteLine($"would delete pack {p.Id.ToShortString()} ({Units.Bytes(p.Size)}, unused)");
        foreach (var p in plan.ForgetPacks) Console.WriteLine($"would drop missing pack {p.ToShortString()} from the index");
        foreach (var f in plan.ObsoleteIndexFiles) Console.WriteLine($"would replace index file {f.Name[..8]}");
    }

    public static void PrintStep(PruneStep step)
    {
        if (step.Total > 0) Console.WriteLine(step.Describe());
    }

    public static void PrintJson(PrunePlan plan, long needed, long? available, bool dryRun)
    {
        var s = plan.Stats;
        JsonText.Print(new
        {
            message_type = "prune",
            dry_run = dryRun,
            changed = !dryRun && plan.HasWork,
            used_blobs = s.UsedBlobs,
            used_bytes = s.UsedBytes,
            unused_blobs = s.UnusedBlobs,
            unused_bytes = s.UnusedBytes,
            duplicate_blobs = s.DuplicateBlobs,
            duplicate_bytes = s.DuplicateBytes,
            packs = s.Packs,
            packs_fully_used = s.FullyUsedPacks,
            packs_partly_used = s.PartlyUsedPacks,
            packs_unused = s.UnusedPacks,
            packs_kept = s.KeptPacks,
            unreferenced_packs = plan.UnindexedPacks.Select(p => p.Id.ToString()),
            repack_packs = plan.Repack.Keys.Select(p => p.ToString()),
            delete_packs = plan.RemovePacks.Select(p => p.Id.ToString()),
            missing_packs_dropped = plan.ForgetPacks.Select(p => p.ToString()),
            obsolete_index_files = plan.ObsoleteIndexFiles.Select(f => f.Name),
            reindexed_packs = s.ReindexedPacks,
            repack_bytes = s.RepackBytes,
            copy_blobs = s.CopyBlobs,
            copy_bytes = s.CopyBytes,
            delete_bytes = s.RemoveBytes + s.UnindexedBytes,
            freed_bytes = s.FreedBytes,
            unused_after = s.UnusedAfter,
            space_needed = needed,
            space_available = available,
        });
    }
}
