namespace Coffre.Alerts;

/// <summary>A way to tell someone: a webhook, a mail. One attempt per call; <see cref="AlertSender"/> retries.</summary>
public interface IAlertChannel
{
    /// <summary>A name without secrets, for warnings and the journal, e.g. <c>webhook https://hooks.example.com</c>.</summary>
    string Name { get; }

    /// <summary>Delivers one message. Throws <see cref="AlertDeliveryException"/> when it could not.</summary>
    Task SendAsync(AlertMessage message, CancellationToken ct);
}

/// <summary>A delivery that failed; <see cref="Transient"/> when trying again may work (5xx, 429, a refused connection, SMTP 4xx).</summary>
public sealed class AlertDeliveryException : Exception
{
    public AlertDeliveryException(string message, bool transient, Exception? inner = null) : base(message, inner) => Transient = transient;

    public AlertDeliveryException() : this("alert delivery failed", true) { }
    public AlertDeliveryException(string message) : this(message, true) { }
    public AlertDeliveryException(string message, Exception inner) : this(message, true, inner) { }

    public bool Transient { get; }
}
