using Coffre.Configuration;

namespace Coffre.Maintenance.Retention;

/// <summary>
/// Which snapshots of a group to keep: restic's <c>ExpirePolicy</c>. A snapshot kept by any rule is kept; counts of 0
/// and zero durations mean "no such rule". <see cref="KeepTags"/> holds tag lists: a snapshot is kept when it has
/// every tag of one list (an empty tag matches a snapshot without tags).
/// </summary>
public sealed record RetentionPolicy
{
    public int Last { get; init; }
    public int Hourly { get; init; }
    public int Daily { get; init; }
    public int Weekly { get; init; }
    public int Monthly { get; init; }
    public int Yearly { get; init; }

    /// <summary>Every snapshot newer than this, counted back from the group's newest snapshot (not from now).</summary>
    public RetentionDuration Within { get; init; }
    public RetentionDuration WithinHourly { get; init; }
    public RetentionDuration WithinDaily { get; init; }
    public RetentionDuration WithinWeekly { get; init; }
    public RetentionDuration WithinMonthly { get; init; }
    public RetentionDuration WithinYearly { get; init; }

    public IReadOnlyList<IReadOnlyList<string>> KeepTags { get; init; } = [];

    /// <summary>No rule at all: restic would keep everything; Coffre refuses such a policy.</summary>
    public bool IsEmpty => KeepTags.Count == 0 && Last == 0 && Hourly == 0 && Daily == 0 && Weekly == 0 && Monthly == 0 &&
                           Yearly == 0 && Within.IsZero && WithinHourly.IsZero && WithinDaily.IsZero &&
                           WithinWeekly.IsZero && WithinMonthly.IsZero && WithinYearly.IsZero;

    /// <summary>The policy a configuration's <c>retention</c> section describes (null values: no such rule).</summary>
    public static RetentionPolicy FromConfig(RetentionSection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        return new RetentionPolicy
        {
            Within = RetentionDuration.FromDays(section.KeepWithinDays ?? 0),
            Last = section.Last ?? 0,
            Daily = section.Daily ?? 0,
            Weekly = section.Weekly ?? 0,
            Monthly = section.Monthly ?? 0,
            Yearly = section.Yearly ?? 0,
        };
    }

    /// <summary>Throws on a negative count (restic would silently ignore it).</summary>
    public void Validate()
    {
        foreach (var (name, value) in new[] { ("last", Last), ("hourly", Hourly), ("daily", Daily), ("weekly", Weekly), ("monthly", Monthly), ("yearly", Yearly) })
            if (value < 0) throw new CoffreException($"the retention count {name} is {value}: a count cannot be negative");
    }

    /// <summary>A sentence like restic's: <c>keep 2 latest, 7 daily snapshots and all snapshots within 30d of the newest</c>.</summary>
    public override string ToString()
    {
        var counts = new List<string>();
        foreach (var (n, what) in new[] { (Last, "latest"), (Hourly, "hourly"), (Daily, "daily"), (Weekly, "weekly"), (Monthly, "monthly"), (Yearly, "yearly") })
            if (n > 0) counts.Add($"{n} {what}");
        var withins = new List<string>();
        foreach (var (d, what) in new[] { (WithinHourly, "hourly"), (WithinDaily, "daily"), (WithinWeekly, "weekly"), (WithinMonthly, "monthly"), (WithinYearly, "yearly") })
            if (!d.IsZero) withins.Add($"{what} snapshots within {d}");
        var s = counts.Count > 0 ? string.Join(", ", counts) + " snapshots" : "";
        if (withins.Count > 0) s += (s.Length > 0 ? ", " : "") + string.Join(", ", withins);
        if (KeepTags.Count > 0) s += (s.Length > 0 ? " and " : "") + "all snapshots with tags " + string.Join(" or ", KeepTags.Select(FormatTags));
        if (!Within.IsZero) s += (s.Length > 0 ? " and " : "") + $"all snapshots within {Within} of the newest";
        return "keep " + s;
    }

    /// <summary>restic's rendering of a tag list: <c>[a, b]</c>.</summary>
    public static string FormatTags(IReadOnlyList<string> tags) => "[" + string.Join(", ", tags) + "]";
}
