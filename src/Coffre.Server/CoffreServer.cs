using System.Globalization;
using System.Net;
using Coffre.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Coffre.Server;

/// <summary>
/// The service of <c>coffre serve</c> (docs/service.md): Kestrel on 127.0.0.1 by default, the schedule in the
/// background, and the dashboard at the root (<see cref="CoffreServiceCollectionExtensions.AddCoffre(Microsoft.Extensions.DependencyInjection.IServiceCollection, ServerSetup)"/>,
/// <see cref="CoffreEndpointRouteBuilderExtensions.MapCoffreDashboard"/>: the same code an application hosting the dashboard uses).
/// </summary>
public static class CoffreServer
{
    public static WebApplication Build(ServerSetup setup)
    {
        ArgumentNullException.ThrowIfNull(setup);
        var endpoint = ParseListen(setup.Listen ?? setup.Config.Server.Listen ?? ServerSection.DefaultListen);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(endpoint);
            k.Limits.MaxRequestBodySize = DashboardGuard.MaxBodyBytes; // the service serves only the dashboard, whose forms are small
            k.AddServerHeader = false;
        });
        // The service's own lines (jobs started and ended) and ASP.NET's warnings; a port in use is the host's one error line.
        builder.Logging.SetMinimumLevel(LogLevel.Information)
            .AddFilter("Microsoft", LogLevel.Warning)
            .AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning)
            .AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None)
            .AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error);
        // The keys that sign the login cookie, beside the journal (a 0700 folder), so a restart keeps sessions.
        if (setup.LogFolder is { } logs)
            builder.Services.AddDataProtection().SetApplicationName("coffre").PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(logs, "server-keys")));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = setup.StopGrace + TimeSpan.FromSeconds(30));
        builder.Services.AddAntiforgery(o =>
        {
            o.Cookie.Name = CoffreAuthentication.AntiforgeryCookie;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        SystemdIntegration.AddTo(builder.Services);
        builder.Services.AddCoffre(setup);

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapCoffreDashboard("/");
        return app;
    }

    /// <summary>Where the started server listens, e.g. <c>http://127.0.0.1:8080</c> (the real port when 0 was asked).</summary>
    public static string Address(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    /// <summary><c>ADDRESS:PORT</c>, <c>[IPv6]:PORT</c> or <c>localhost:PORT</c>.</summary>
    public static IPEndPoint ParseListen(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
            throw new CoffreException($"listen address \"{text}\" is not ADDRESS:PORT, e.g. 127.0.0.1:8080");
        var host = text[..colon].Trim('[', ']');
        if (host == "localhost") return new IPEndPoint(IPAddress.Loopback, port);
        if (!IPAddress.TryParse(host, out var address))
            throw new CoffreException($"listen address \"{text}\": \"{host}\" is not an IP address (e.g. 127.0.0.1, 0.0.0.0, [::1])");
        return new IPEndPoint(address, port);
    }
}
