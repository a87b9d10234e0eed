using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace Coffre.Alerts;

/// <summary>
/// A minimal SMTP client (RFC 5321): EHLO, STARTTLS (RFC 3207), AUTH PLAIN or LOGIN (RFC 4954), MAIL, RCPT, DATA,
/// QUIT. Written here rather than using System.Net.Mail.SmtpClient, which Microsoft no longer recommends for new
/// code, cannot be told which certificate to trust other than through the obsolete process-wide
/// ServicePointManager callback, and falls back to plain text when a server does not offer STARTTLS. This one
/// refuses to go on without TLS when TLS is asked for, and never sends a password over a plain connection.
/// </summary>
internal sealed class SmtpSession : IAsyncDisposable
{
    private readonly TcpClient tcp;
    private Stream stream;
    private readonly string server;

    private SmtpSession(TcpClient tcp, string server)
    {
        this.tcp = tcp;
        stream = tcp.GetStream();
        this.server = server;
    }

    public HashSet<string> Extensions { get; private set; } = new(StringComparer.OrdinalIgnoreCase);

    public bool Encrypted => stream is SslStream;

    public static async Task<SmtpSession> ConnectAsync(string host, int port, CancellationToken ct)
    {
        var tcp = new TcpClient();
        try
        {
            await tcp.ConnectAsync(host, port, ct).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            tcp.Dispose();
            throw new AlertDeliveryException($"cannot connect: {e.Message}", transient: true, e);
        }
        var session = new SmtpSession(tcp, $"{host}:{port}");
        try
        {
            await session.ExpectAsync(220, "greeting", ct).ConfigureAwait(false);
        }
        catch
        {
            await session.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return session;
    }

    public async Task HelloAsync(string clientName, CancellationToken ct)
    {
        var lines = await CommandAsync($"EHLO {clientName}", 250, "EHLO", ct).ConfigureAwait(false);
        Extensions = new HashSet<string>(lines.Skip(1).Select(l => l.Split(' ')[0]), StringComparer.OrdinalIgnoreCase);
        Auth = lines.Skip(1).FirstOrDefault(l => l.StartsWith("AUTH", StringComparison.OrdinalIgnoreCase))?.Split(' ').Skip(1).ToHashSet(StringComparer.OrdinalIgnoreCase) ?? [];
    }

    /// <summary>The AUTH mechanisms the server offers (PLAIN, LOGIN...).</summary>
    public HashSet<string> Auth { get; private set; } = [];

    public async Task StartTlsAsync(string host, RemoteCertificateValidationCallback? validation, CancellationToken ct)
    {
        if (!Extensions.Contains("STARTTLS"))
            throw new AlertDeliveryException("the server does not offer STARTTLS (set alerts.email.startTls to false only for a server on this machine)", transient: false);
        await CommandAsync("STARTTLS", 220, "STARTTLS", ct).ConfigureAwait(false);
        var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
        try
        {
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = host, RemoteCertificateValidationCallback = validation }, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is System.Security.Authentication.AuthenticationException or IOException)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw new AlertDeliveryException($"TLS failed: {e.Message}", transient: e is IOException, e);
        }
        stream = ssl;
    }

    /// <summary>Logs in with PLAIN (preferred) or LOGIN. The password is only ever written to the encrypted stream.</summary>
    public async Task AuthenticateAsync(string user, byte[] password, CancellationToken ct)
    {
        if (!Encrypted) throw new AlertDeliveryException("refusing to send the SMTP password over a connection without TLS", transient: false);
        var userBytes = Encoding.UTF8.GetBytes(user);
        if (Auth.Contains("PLAIN"))
        {
            var token = new byte[userBytes.Length + password.Length + 2];
            userBytes.CopyTo(token, 1);
            password.CopyTo(token, userBytes.Length + 2);
            await CommandAsync("AUTH PLAIN " + Convert.ToBase64String(token), 235, "AUTH PLAIN", ct).ConfigureAwait(false);
            Array.Clear(token);
        }
        else if (Auth.Contains("LOGIN"))
        {
            await CommandAsync("AUTH LOGIN", 334, "AUTH LOGIN", ct).ConfigureAwait(false);
            await CommandAsync(Convert.ToBase64String(userBytes), 334, "AUTH LOGIN (user)", ct).ConfigureAwait(false);
            await CommandAsync(Convert.ToBase64String(password), 235, "AUTH LOGIN (password)", ct).ConfigureAwait(false);
        }
        else
            throw new AlertDeliveryException("the server offers neither AUTH PLAIN nor AUTH LOGIN", transient: false);
    }

    public async Task SendAsync(string from, IReadOnlyList<string> to, string message, CancellationToken ct)
    {
        await CommandAsync($"MAIL FROM:<{from}>", 250, "MAIL FROM", ct).ConfigureAwait(false);
        foreach (var rcpt in to)
            await CommandAsync($"RCPT TO:<{rcpt}>", 250, $"RCPT TO {rcpt}", ct, alsoOk: 251).ConfigureAwait(false);
        await CommandAsync("DATA", 354, "DATA", ct).ConfigureAwait(false);
        var body = new StringBuilder();
        foreach (var line in message.ReplaceLineEndings("\n").Split('\n'))
            body.Append(line.StartsWith('.') ? "." : "").Append(line).Append("\r\n"); // dot-stuffing
        body.Append(".\r\n");
        await WriteAsync(body.ToString(), ct).ConfigureAwait(false);
        await ExpectAsync(250, "end of DATA", ct).ConfigureAwait(false);
    }

    public async Task QuitAsync(CancellationToken ct)
    {
        try { await CommandAsync("QUIT", 221, "QUIT", ct).ConfigureAwait(false); }
        catch (AlertDeliveryException) { } // the mail is accepted; a server that hangs up early changes nothing
    }

    private async Task<List<string>> CommandAsync(string line, int expected, string what, CancellationToken ct, int alsoOk = 0)
    {
        await WriteAsync(line + "\r\n", ct).ConfigureAwait(false);
        return await ExpectAsync(expected, what, ct, alsoOk).ConfigureAwait(false);
    }

    private async Task WriteAsync(string text, CancellationToken ct)
    {
        try
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(text), ct).ConfigureAwait(false);
            await stream.FlushAsync(ct).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw new AlertDeliveryException($"the connection to {server} broke: {e.Message}", transient: true, e);
        }
    }

    /// <summary>Reads one reply (all its lines) and checks its code; 4xx is transient, 5xx is not.</summary>
    private async Task<List<string>> ExpectAsync(int expected, string what, CancellationToken ct, int alsoOk = 0)
    {
        var lines = new List<string>();
        int code;
        while (true)
        {
            var line = await ReadLineAsync(ct).ConfigureAwait(false)
                ?? throw new AlertDeliveryException($"{server} closed the connection (after {what})", transient: true);
            if (line.Length < 3 || !int.TryParse(line.AsSpan(0, 3), out code))
                throw new AlertDeliveryException($"{server} answered something that is not SMTP (after {what})", transient: false);
            lines.Add(line.Length > 4 ? line[4..] : "");
            if (line.Length == 3 || line[3] != '-') break;
        }
        if (code != expected && code != alsoOk)
        {
            var text = string.Join(' ', lines);
            if (text.Length > 200) text = text[..200] + "...";
            throw new AlertDeliveryException($"{what} refused: {code} {text}", transient: code is >= 400 and < 500);
        }
        return lines;
    }

    /// <summary>One CRLF-terminated line, read byte by byte so nothing after it is consumed (STARTTLS swaps the stream).</summary>
    private async Task<string?> ReadLineAsync(CancellationToken ct)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (true)
        {
            int n;
            try { n = await stream.ReadAsync(one, ct).ConfigureAwait(false); }
            catch (IOException e) { throw new AlertDeliveryException($"the connection to {server} broke: {e.Message}", transient: true, e); }
            if (n == 0) return bytes.Count == 0 ? null : Encoding.UTF8.GetString([.. bytes]);
            if (one[0] == '\n') break;
            if (bytes.Count > 4096) throw new AlertDeliveryException($"{server} sent a line too long for SMTP", transient: false);
            bytes.Add(one[0]);
        }
        if (bytes.Count > 0 && bytes[^1] == '\r') bytes.RemoveAt(bytes.Count - 1);
        return Encoding.UTF8.GetString([.. bytes]);
    }

    public async ValueTask DisposeAsync()
    {
        await stream.DisposeAsync().ConfigureAwait(false);
        tcp.Dispose();
    }
}
