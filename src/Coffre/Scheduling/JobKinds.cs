namespace Coffre.Scheduling;

/// <summary>The names of what a job does.</summary>
public static class JobKinds
{
    /// <summary>The <c>coffre</c> command that runs the job, which is also its operation in the journal: <c>backup</c>, <c>drill</c> (sampled or full), <c>prune</c>, <c>check</c>.</summary>
    public static string Operation(JobKind kind) => kind switch
    {
        JobKind.Backup => "backup",
        JobKind.Drill or JobKind.FullDrill => "drill",
        JobKind.Prune => "prune",
        JobKind.Check => "check",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "no such job"),
    };

    /// <summary>The <c>coffre</c> arguments that run the job (before <c>-c FILE</c>): <c>backup</c>, <c>drill --full</c>...</summary>
    public static IReadOnlyList<string> Arguments(JobKind kind) => kind == JobKind.FullDrill ? ["drill", "--full"] : [Operation(kind)];
}
