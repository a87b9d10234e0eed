using System.Globalization;
using System.Net.Security;
using System.Text;

namespace Coffre.Alerts;

/// <summary>A plain-text mail through an SMTP server, over STARTTLS unless told otherwise (<see cref="SmtpSession"/>).</summary>
public sealed class EmailChannel : IAlertChannel
{
    /// <summary>How long one attempt (connect to QUIT) may take.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly EmailSettings settings;
    private readonly TimeProvider clock;

    public EmailChannel(EmailSettings settings, TimeProvider? clock = null)
    {
        this.settings = settings;
        this.clock = clock ?? TimeProvider.System;
    }

    public string Name => $"mail smtp://{settings.Host}:{settings.Port}";

    public async Task SendAsync(AlertMessage message, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Timeout);
        try
        {
            await SendCoreAsync(message, timeout.Token).ConfigureAwait(false);
        }
        catch (AlertDeliveryException e)
        {
            throw new AlertDeliveryException($"{Name}: {e.Message}", e.Transient, e);
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new AlertDeliveryException($"{Name}: no answer within {Timeout.TotalSeconds:0} s", transient: true, e);
        }
    }

    private async Task SendCoreAsync(AlertMessage message, CancellationToken ct)
    {
        await using var smtp = await SmtpSession.ConnectAsync(settings.Host, settings.Port, ct).ConfigureAwait(false);
        var me = System.Net.Dns.GetHostName();
        await smtp.HelloAsync(me, ct).ConfigureAwait(false);
        if (settings.StartTls)
        {
            await smtp.StartTlsAsync(settings.Host, settings.CertificateValidation, ct).ConfigureAwait(false);
            await smtp.HelloAsync(me, ct).ConfigureAwait(false); // RFC 3207: forget what was said before TLS
        }
        if (settings.User is not null)
        {
            byte[] password;
            try { password = settings.Password?.Invoke() ?? throw new AlertDeliveryException("alerts.email.user is set but no password source", transient: false); }
            catch (CoffreException e) { throw new AlertDeliveryException(e.Message, transient: false, e); }
            try { await smtp.AuthenticateAsync(settings.User, password, ct).ConfigureAwait(false); }
            finally { Array.Clear(password); }
        }
        await smtp.SendAsync(settings.From, settings.To, Compose(message, me), ct).ConfigureAwait(false);
        await smtp.QuitAsync(ct).ConfigureAwait(false);
    }

    /// <summary>The message (RFC 5322): UTF-8 text, 7bit when it is ASCII, else base64; a non-ASCII subject is RFC 2047-encoded.</summary>
    internal string Compose(AlertMessage message, string machine)
    {
        var now = clock.GetUtcNow();
        var text = message.Text.ReplaceLineEndings("\r\n") + "\r\n";
        var ascii = text.All(c => c < 128);
        var b = new StringBuilder();
        b.Append("From: ").Append(settings.From).Append("\r\n");
        b.Append("To: ").Append(string.Join(", ", settings.To)).Append("\r\n");
        b.Append("Subject: ").Append(HeaderText(message.Title)).Append("\r\n");
        b.Append("Date: ").Append(now.ToString("ddd, dd MMM yyyy HH:mm:ss +0000", CultureInfo.InvariantCulture)).Append("\r\n");
        b.Append("Message-ID: <").Append(Guid.NewGuid().ToString("N")).Append('@').Append(machine).Append(">\r\n");
        b.Append("X-Coffre-Incident: ").Append(message.Incident.Kind).Append("; state=").Append(message.State).Append("\r\n");
        b.Append("MIME-Version: 1.0\r\n");
        b.Append("Content-Type: text/plain; charset=utf-8\r\n");
        b.Append("Content-Transfer-Encoding: ").Append(ascii ? "7bit" : "base64").Append("\r\n\r\n");
        if (ascii) b.Append(text);
        else
        {
            var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
            for (var i = 0; i < encoded.Length; i += 76) b.Append(encoded.AsSpan(i, Math.Min(76, encoded.Length - i))).Append("\r\n");
        }
        return b.ToString();
    }

    private static string HeaderText(string s) =>
        s.All(c => c is >= ' ' and < (char)127) ? s : $"=?utf-8?B?{Convert.ToBase64String(Encoding.UTF8.GetBytes(s.ReplaceLineEndings(" ")))}?=";
}

/// <summary>Where and how <see cref="EmailChannel"/> sends.</summary>
public sealed record EmailSettings
{
    public required string Host { get; init; }

    public int Port { get; init; } = 587;

    public required string From { get; init; }

    public required IReadOnlyList<string> To { get; init; }

    /// <summary>Log in as this user (AUTH PLAIN or LOGIN, only over TLS); null: no login.</summary>
    public string? User { get; init; }

    /// <summary>Obtains the password when a mail is sent (from the configured source; never stored here).</summary>
    public Func<byte[]>? Password { get; init; }

    public bool StartTls { get; init; } = true;

    /// <summary>null: the system's trusted roots and the host name decide (tests pass their own certificate's check).</summary>
    public RemoteCertificateValidationCallback? CertificateValidation { get; init; }
}
