using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Coffre.Tests.Alerts;

/// <summary>
/// A minimal SMTP server on 127.0.0.1 (a free port) for the tests: EHLO, STARTTLS with a self-signed certificate
/// made here, AUTH PLAIN/LOGIN (offered only after TLS), MAIL, RCPT, DATA, QUIT. Records each accepted mail.
/// </summary>
internal sealed class SmtpServer : IDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;
    private int busyLeft;

    /// <param name="offerStartTls">false: a server without STARTTLS (a client that asks for TLS must refuse it).</param>
    /// <param name="busyConnections">How many first connections get "421 busy" and are closed (a transient failure).</param>
    public SmtpServer(bool offerStartTls = true, int busyConnections = 0, string authMechanisms = "PLAIN LOGIN")
    {
        OfferStartTls = offerStartTls;
        AuthMechanisms = authMechanisms;
        busyLeft = busyConnections;
        Certificate = MakeCertificate();
        listener.Start();
        loop = Task.Run(AcceptLoop);
    }

    public bool OfferStartTls { get; }
    public string AuthMechanisms { get; }
    public X509Certificate2 Certificate { get; }
    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;
    public int Connections;

    public ConcurrentQueue<Mail> Mails { get; } = new();

    /// <summary>Trusts exactly this server's certificate (what a client is given in the tests).</summary>
    public bool Trust(object sender, X509Certificate? cert, X509Chain? chain, SslPolicyErrors errors) =>
        cert is not null && cert.GetCertHashString() == Certificate.GetCertHashString();

    internal sealed record Mail(string From, List<string> To, string Data, bool Tls, string? User, string? Password);

    private static X509Certificate2 MakeCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        // Through PKCS#12 so that SslStream on Linux gets a certificate whose private key it can use.
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pkcs12), null);
    }

    private async Task AcceptLoop()
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try { client = await listener.AcceptTcpClientAsync(stop.Token); }
            catch (Exception) { return; }
            _ = Task.Run(async () =>
            {
                try { await Serve(client); }
                catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException or ObjectDisposedException) { }
                finally { client.Dispose(); }
            });
        }
    }

    private async Task Serve(TcpClient client)
    {
        Interlocked.Increment(ref Connections);
        Stream stream = client.GetStream();
        if (Interlocked.Decrement(ref busyLeft) >= 0)
        {
            await Write(stream, "421 4.3.2 busy, try again later");
            return;
        }
        await Write(stream, "220 test ESMTP");
        string? from = null, user = null, password = null;
        var to = new List<string>();
        while (await ReadLine(stream) is { } line)
        {
            var verb = line.Split(' ')[0].ToUpperInvariant();
            var tls = stream is SslStream;
            switch (verb)
            {
                case "EHLO":
                    var ext = new List<string> { "test", "8BITMIME" };
                    if (OfferStartTls && !tls) ext.Add("STARTTLS");
                    if (tls) ext.Add("AUTH " + AuthMechanisms);
                    for (var i = 0; i < ext.Count; i++) await Write(stream, $"250{(i < ext.Count - 1 ? "-" : " ")}{ext[i]}");
                    break;
                case "STARTTLS" when OfferStartTls && !tls:
                    await Write(stream, "220 2.0.0 ready to start TLS");
                    var ssl = new SslStream(stream);
                    await ssl.AuthenticateAsServerAsync(Certificate);
                    stream = ssl;
                    break;
                case "AUTH" when tls:
                    var parts = line.Split(' ');
                    if (parts[1].Equals("PLAIN", StringComparison.OrdinalIgnoreCase))
                    {
                        var fields = Encoding.UTF8.GetString(Convert.FromBase64String(parts[2])).Split('\0');
                        (user, password) = (fields[1], fields[2]);
                    }
                    else
                    {
                        await Write(stream, "334 VXNlcm5hbWU6");
                        user = Encoding.UTF8.GetString(Convert.FromBase64String((await ReadLine(stream))!));
                        await Write(stream, "334 UGFzc3dvcmQ6");
                        password = Encoding.UTF8.GetString(Convert.FromBase64String((await ReadLine(stream))!));
                    }
                    await Write(stream, "235 2.7.0 authenticated");
                    break;
                case "MAIL":
                    from = line[(line.IndexOf('<', StringComparison.Ordinal) + 1)..line.IndexOf('>', StringComparison.Ordinal)];
                    await Write(stream, "250 2.1.0 ok");
                    break;
                case "RCPT":
                    to.Add(line[(line.IndexOf('<', StringComparison.Ordinal) + 1)..line.IndexOf('>', StringComparison.Ordinal)]);
                    await Write(stream, "250 2.1.5 ok");
                    break;
                case "DATA":
                    await Write(stream, "354 end with <CRLF>.<CRLF>");
                    var data = new StringBuilder();
                    while (await ReadLine(stream) is { } d && d != ".")
                        data.Append(d.StartsWith("..", StringComparison.Ordinal) ? d[1..] : d).Append("\r\n");
                    Mails.Enqueue(new Mail(from!, [.. to], data.ToString(), tls, user, password));
                    to.Clear();
                    await Write(stream, "250 2.0.0 queued");
                    break;
                case "QUIT":
                    await Write(stream, "221 2.0.0 bye");
                    return;
                default:
                    await Write(stream, "502 5.5.2 command not recognized");
                    break;
            }
        }
    }

    private static async Task Write(Stream s, string line)
    {
        await s.WriteAsync(Encoding.UTF8.GetBytes(line + "\r\n"));
        await s.FlushAsync();
    }

    private static async Task<string?> ReadLine(Stream s)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (true)
        {
            if (await s.ReadAsync(one) == 0) return null;
            if (one[0] == '\n') break;
            bytes.Add(one[0]);
        }
        if (bytes.Count > 0 && bytes[^1] == '\r') bytes.RemoveAt(bytes.Count - 1);
        return Encoding.UTF8.GetString([.. bytes]);
    }

    public void Dispose()
    {
        stop.Cancel();
        listener.Stop();
        try { loop.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
        stop.Dispose();
        Certificate.Dispose();
    }
}
