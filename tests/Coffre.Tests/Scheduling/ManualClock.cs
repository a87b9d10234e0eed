namespace Coffre.Tests.Scheduling;

/// <summary>
/// A clock the test moves by hand, with timers (so <c>Task.Delay(t, clock)</c> waits for <see cref="AdvanceTo"/>).
/// Timers fire on the thread that advances the clock, in due order.
/// </summary>
internal sealed class ManualClock(DateTimeOffset start, TimeZoneInfo zone) : TimeProvider
{
    private readonly Lock gate = new();
    private readonly List<ManualTimer> timers = [];
    private DateTimeOffset now = start;

    public override DateTimeOffset GetUtcNow()
    {
        lock (gate) return now.ToUniversalTime();
    }

    public override TimeZoneInfo LocalTimeZone => zone;

    /// <summary>When the earliest timer is due; null when none waits.</summary>
    public DateTimeOffset? NextTimer
    {
        get { lock (gate) return timers.Where(t => t.Due is not null).Select(t => t.Due).Min(); }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        lock (gate) timers.Add(timer);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Moves the clock to <paramref name="target"/>, firing every timer due on the way.</summary>
    public void AdvanceTo(DateTimeOffset target)
    {
        while (true)
        {
            ManualTimer? next;
            lock (gate)
            {
                next = timers.Where(t => t.Due is { } d && d <= target).MinBy(t => t.Due);
                if (next is null)
                {
                    if (target > now) now = target;
                    return;
                }
                if (next.Due > now) now = next.Due!.Value;
                next.Due = next.Period is { } p ? now + p : null;
            }
            next.Fire();
        }
    }

    private sealed class ManualTimer(ManualClock clock, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset? Due { get; set; }

        public TimeSpan? Period { get; private set; }

        public void Fire() => callback(state);

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (clock.gate)
            {
                Due = dueTime == Timeout.InfiniteTimeSpan ? null : clock.now + dueTime;
                Period = period == Timeout.InfiniteTimeSpan || period == TimeSpan.Zero ? null : period;
            }
            return true;
        }

        public void Dispose()
        {
            lock (clock.gate)
            {
                Due = null;
                clock.timers.Remove(this);
            }
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
