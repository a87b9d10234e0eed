using System.Net;
using System.Text.RegularExpressions;
using Coffre.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Coffre.Server.Tests;

/// <summary>
/// samples/webapp (an application with <c>AddCoffre</c> and <c>MapCoffreDashboard("/admin/backups")</c>) in memory,
/// its Coffre section pointed at a temporary folder, the admin's hash of <see cref="Password"/>, and a login
/// throttle on a clock the test moves.
/// </summary>
internal sealed partial class EmbeddedDashboard : WebApplicationFactory<Program>
{
    public const string Prefix = "/admin/backups";
    public const string User = "admin";
    public const string Password = "correct horse battery";

    private static readonly Lazy<string> Hash = new(() => PasswordHash.Create(Password));
    private readonly Dictionary<string, string?> settings;
    private readonly Action<IServiceCollection>? services;

    /// <param name="services">Changes to the application's services after Coffre's (e.g. a <see cref="JobQueue"/> of the test's).</param>
    public EmbeddedDashboard(Dictionary<string, string?>? extra = null, Action<IServiceCollection>? services = null)
    {
        this.services = services;
        Folder = Directory.CreateTempSubdirectory("coffre-embedded-").FullName;
        settings = new()
        {
            ["Coffre:repository:path"] = Path.Combine(Folder, "repo"),
            ["Coffre:logging:path"] = Path.Combine(Folder, "logs"),
            ["Coffre:server:admin:passwordHash"] = Hash.Value,
        };
        foreach (var (k, v) in extra ?? []) settings[k] = v;
        Throttle = new LoginThrottle(Clock);
    }

    public string Folder { get; }

    public LoginThrottle Throttle { get; }

    public ManualTimeProvider Clock { get; } = new(DateTimeOffset.UnixEpoch.AddYears(56));

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (k, v) in settings) builder.UseSetting(k, v);
        builder.ConfigureTestServices(s =>
        {
            s.AddSingleton(Throttle);
            services?.Invoke(s);
            s.Insert(0, ServiceDescriptor.Singleton<IStartupFilter>(new TestPeer())); // outermost: before the dashboard's forwarded headers
        });
    }

    /// <summary>The in-memory server has no network peer: <see cref="PeerHeader"/> says which address the request comes from (default 127.0.0.1).</summary>
    public const string PeerHeader = "X-Test-Peer";

    private sealed class TestPeer : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((ctx, go) =>
            {
                ctx.Connection.RemoteIpAddress = IPAddress.Parse(ctx.Request.Headers[PeerHeader].FirstOrDefault() ?? "127.0.0.1");
                ctx.Request.Headers.Remove(PeerHeader);
                return go(ctx);
            });
            next(app);
        };
    }

    public string LogFolder => Path.Combine(Folder, "logs");

    /// <summary>A login form posted with <paramref name="headers"/> (a proxy's X-Forwarded-For, the peer...).</summary>
    public static async Task<HttpResponseMessage> LoginAsync(HttpClient client, string user, string password, IReadOnlyDictionary<string, string> headers)
    {
        using var get = new HttpRequestMessage(HttpMethod.Get, Prefix + "/login");
        foreach (var (k, v) in headers) get.Headers.TryAddWithoutValidation(k, v);
        using var page = await client.SendAsync(get);
        var form = await page.Content.ReadAsStringAsync();
        using var post = new HttpRequestMessage(HttpMethod.Post, Prefix + "/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = Token(form), ["user"] = user, ["password"] = password }),
        };
        foreach (var (k, v) in headers) post.Headers.TryAddWithoutValidation(k, v);
        return await client.SendAsync(post);
    }

    /// <summary>A browser-like client: cookies kept, redirects not followed.</summary>
    public HttpClient Browser() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    public static string Token(string html) => TokenField().Match(html) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException("no antiforgery field in:\n" + html);

    public static async Task<HttpResponseMessage> LoginAsync(HttpClient client, string user, string password)
    {
        var form = await client.GetStringAsync(new Uri(Prefix + "/login", UriKind.Relative));
        return await client.PostAsync(new Uri(Prefix + "/login", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Token(form), ["user"] = user, ["password"] = password,
        }));
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && Directory.Exists(Folder)) Directory.Delete(Folder, recursive: true);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}

/// <summary>A clock moved by hand (the login throttle's delays).</summary>
internal sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private long ticks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref ticks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref ticks, by.Ticks);
}
