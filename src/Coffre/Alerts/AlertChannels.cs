using Coffre.Configuration;

namespace Coffre.Alerts;

/// <summary>The channels and retry policy a configuration's <c>alerts</c> section describes.</summary>
public static class AlertChannels
{
    /// <summary>The webhook and/or mail of <paramref name="a"/> (none when neither is configured).</summary>
    /// <param name="environment">Replaces the process environment when resolving header values and the SMTP password (tests).</param>
    public static IReadOnlyList<IAlertChannel> FromConfig(AlertsSection a, IDictionary<string, string?>? environment = null,
        System.Net.Security.RemoteCertificateValidationCallback? certificateValidation = null)
    {
        ArgumentNullException.ThrowIfNull(a);
        var channels = new List<IAlertChannel>();
        if (!string.IsNullOrWhiteSpace(a.Webhook.Url))
        {
            var headers = a.Webhook.Headers;
            channels.Add(new WebhookChannel(new Uri(a.Webhook.Url), a.Webhook.Format ?? WebhookFormats.Json,
                () => [.. headers.Select(h => new KeyValuePair<string, string>(h.Name!, h.Value ?? Variable(h.ValueEnv!, h.Name!, environment)))]));
        }
        var e = a.Email;
        if (!string.IsNullOrWhiteSpace(e.Host))
            channels.Add(new EmailChannel(new EmailSettings
            {
                Host = e.Host,
                Port = e.Port ?? EmailAlert.DefaultPort,
                From = e.From!,
                To = [.. e.To],
                User = string.IsNullOrWhiteSpace(e.User) ? null : e.User,
                Password = () => PasswordSource.Resolve(e, environment) ?? throw new CoffreException("alerts.email: no password source: set one of passwordEnv, passwordFile or passwordCommand"),
                StartTls = e.StartTls ?? true,
                CertificateValidation = certificateValidation,
            }));
        return channels;
    }

    /// <summary>The retry waits of <paramref name="a"/>: <c>retryDelaysSeconds</c>, or 1, 5 and 30 seconds.</summary>
    public static IReadOnlyList<TimeSpan> RetryDelays(AlertsSection a) =>
        a.RetryDelaysSeconds is { } s ? [.. s.Select(x => TimeSpan.FromSeconds(x))] : AlertSender.DefaultRetryDelays;

    private static string Variable(string name, string header, IDictionary<string, string?>? environment)
    {
        var value = environment is null ? Environment.GetEnvironmentVariable(name) : environment.TryGetValue(name, out var v) ? v : null;
        return string.IsNullOrEmpty(value)
            ? throw new CoffreException($"the variable {name} (value of the header {header}) is {(value is null ? "not set" : "empty")}")
            : value;
    }
}
