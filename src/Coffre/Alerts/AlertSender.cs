namespace Coffre.Alerts;

/// <summary>
/// Sends a message through a channel, trying again after transient failures: by default after 1 s, 5 s and 30 s
/// (four attempts in all). The waits go through <see cref="Sleep"/>, which tests replace.
/// </summary>
public sealed class AlertSender
{
    public static IReadOnlyList<TimeSpan> DefaultRetryDelays { get; } = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30)];

    public AlertSender(IReadOnlyList<TimeSpan>? retryDelays = null, TimeProvider? clock = null)
    {
        RetryDelays = retryDelays ?? DefaultRetryDelays;
        var time = clock ?? TimeProvider.System;
        Sleep = (delay, ct) => Task.Delay(delay, time, ct);
    }

    /// <summary>The waits before the second, third... attempt; empty: one attempt only.</summary>
    public IReadOnlyList<TimeSpan> RetryDelays { get; }

    /// <summary>How a wait is done (tests record the delays instead of waiting).</summary>
    public Func<TimeSpan, CancellationToken, Task> Sleep { get; init; }

    /// <summary>Delivers <paramref name="message"/>; returns null on success, else why the last attempt failed (and how many were made).</summary>
    public async Task<string?> SendAsync(IAlertChannel channel, AlertMessage message, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await channel.SendAsync(message, ct).ConfigureAwait(false);
                return null;
            }
            catch (AlertDeliveryException e) when (!ct.IsCancellationRequested)
            {
                if (!e.Transient || attempt >= RetryDelays.Count)
                    return $"{e.Message} ({attempt + 1} attempt{(attempt == 0 ? "" : "s")})";
                await Sleep(RetryDelays[attempt], ct).ConfigureAwait(false);
            }
        }
    }
}
