using Coffre.Model;
using Coffre.Repository;

namespace Coffre.Maintenance.Retention;

/// <summary>
/// Applies a <see cref="RetentionPolicy"/> to one group of snapshots, exactly as restic 0.14's <c>ApplyPolicy</c>
/// does (checked against <c>restic forget --dry-run --json</c> in the integration tests). A pure function of the
/// snapshots, the policy, the current instant and the local time zone:
/// <list type="bullet">
/// <item>Snapshots are taken newest first (equal times: by ID, so the result does not depend on listing order).</item>
/// <item>Each counted rule (last, hourly, daily, weekly, monthly, yearly) keeps a snapshot whose bucket (the hour, day,
/// ISO week, month or year of its wall-clock time at its own recorded offset; for "last", every snapshot is its own
/// bucket) differs from the previous kept one's, while its count lasts: the newest snapshot of each of the last N
/// buckets that have one.</item>
/// <item><c>within D</c> keeps every snapshot strictly newer than the newest snapshot minus D (snapshots dated after
/// <c>now</c> do not count as the newest); <c>hourly within D</c> etc. keep one per bucket inside that window.</item>
/// <item>Tag rules keep every snapshot with all tags of one list and count nothing.</item>
/// </list>
/// </summary>
public static class RetentionEvaluator
{
    private static readonly (string Reason, Func<GoTime, int, long> Bucket)[] Counted =
    [
        ("last snapshot", (_, nr) => nr),
        ("hourly snapshot", (t, _) => GoCalendar.Hour(t)),
        ("daily snapshot", (t, _) => GoCalendar.Day(t)),
        ("weekly snapshot", (t, _) => GoCalendar.Week(t)),
        ("monthly snapshot", (t, _) => GoCalendar.Month(t)),
        ("yearly snapshot", (t, _) => GoCalendar.Year(t)),
    ];

    private static readonly (string Reason, Func<GoTime, long> Bucket)[] Windowed =
    [
        ("hourly within", GoCalendar.Hour),
        ("daily within", GoCalendar.Day),
        ("weekly within", GoCalendar.Week),
        ("monthly within", GoCalendar.Month),
        ("yearly within", GoCalendar.Year),
    ];

    public static RetentionDecision Apply(IEnumerable<SnapshotEntry> group, RetentionPolicy policy, DateTimeOffset now, TimeZoneInfo localZone)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var list = NewestFirst(group);
        if (policy.IsEmpty)
            return new RetentionDecision(list, [], [.. list.Select(s => new KeepReason(s, ["policy is empty"], default))]);
        if (list.Count == 0) return new RetentionDecision([], [], []);

        int[] counts = [policy.Last, policy.Hourly, policy.Daily, policy.Weekly, policy.Monthly, policy.Yearly];
        var lastBucket = new long[Counted.Length];
        Array.Fill(lastBucket, -1);
        RetentionDuration[] windows = [policy.WithinHourly, policy.WithinDaily, policy.WithinWeekly, policy.WithinMonthly, policy.WithinYearly];
        var lastWindowBucket = new long[Windowed.Length];
        Array.Fill(lastWindowBucket, -1);

        var latest = Latest(list, GoTime.FromDateTimeOffset(now));
        var withinCutoff = policy.Within.IsZero ? default : GoCalendar.Subtract(latest, policy.Within, localZone);
        var windowCutoffs = windows.Select(w => w.IsZero ? default : GoCalendar.Subtract(latest, w, localZone)).ToArray();

        var keep = new List<SnapshotEntry>();
        var remove = new List<SnapshotEntry>();
        var reasons = new List<KeepReason>();
        for (var nr = 0; nr < list.Count; nr++)
        {
            var cur = list[nr];
            var time = cur.Snapshot.Time;
            var matches = new List<string>();

            foreach (var tags in policy.KeepTags)
                if (HasTags(cur.Snapshot, tags)) matches.Add("has tags " + RetentionPolicy.FormatTags(tags));

            if (!policy.Within.IsZero && GoCalendar.After(time, withinCutoff)) matches.Add($"within {policy.Within}");

            for (var i = 0; i < Counted.Length; i++)
            {
                if (counts[i] <= 0) continue;
                var bucket = Counted[i].Bucket(time, nr);
                if (bucket == lastBucket[i]) continue;
                lastBucket[i] = bucket;
                counts[i]--;
                matches.Add(Counted[i].Reason);
            }

            for (var i = 0; i < Windowed.Length; i++)
            {
                if (windows[i].IsZero || !GoCalendar.After(time, windowCutoffs[i])) continue;
                var bucket = Windowed[i].Bucket(time);
                if (bucket == lastWindowBucket[i]) continue;
                lastWindowBucket[i] = bucket;
                matches.Add($"{Windowed[i].Reason} {windows[i]}");
            }

            if (matches.Count > 0)
            {
                keep.Add(cur);
                reasons.Add(new KeepReason(cur, matches, new KeepCounters(counts[0], counts[1], counts[2], counts[3], counts[4], counts[5])));
            }
            else remove.Add(cur);
        }
        return new RetentionDecision(keep, remove, reasons);
    }

    /// <summary>Newest first; equal instants by ID.</summary>
    public static List<SnapshotEntry> NewestFirst(IEnumerable<SnapshotEntry> snapshots)
    {
        var list = snapshots.ToList();
        list.Sort((a, b) =>
        {
            var ta = a.Snapshot.Time;
            var tb = b.Snapshot.Time;
            var c = tb.UnixSeconds.CompareTo(ta.UnixSeconds);
            if (c == 0) c = tb.Nanoseconds.CompareTo(ta.Nanoseconds);
            return c != 0 ? c : string.CompareOrdinal(a.Id.ToString(), b.Id.ToString());
        });
        return list;
    }

    /// <summary>The newest snapshot time that is not in the future (Go's zero time when every snapshot is).</summary>
    private static GoTime Latest(List<SnapshotEntry> newestFirst, GoTime now)
    {
        var latest = GoTime.Zero;
        foreach (var s in newestFirst)
            if (GoCalendar.After(s.Snapshot.Time, latest) && GoCalendar.After(now, s.Snapshot.Time)) latest = s.Snapshot.Time;
        return latest;
    }

    /// <summary>restic's <c>HasTags</c>: every tag of the list; the empty tag stands for "no tags at all".</summary>
    public static bool HasTags(Snapshot snapshot, IReadOnlyList<string> tags)
    {
        var own = snapshot.Tags ?? [];
        foreach (var tag in tags)
        {
            if (tag.Length == 0 && own.Count == 0) return true;
            if (!own.Contains(tag)) return false;
        }
        return true;
    }
}
