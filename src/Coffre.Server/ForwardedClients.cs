using Coffre.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection;

namespace Coffre.Server;

/// <summary>
/// Behind a reverse proxy (<c>server.trustedProxies</c>): for the dashboard's requests only, ASP.NET Core's forwarded
/// headers middleware replaces the proxy's address and scheme by the client's (<c>X-Forwarded-For</c>,
/// <c>X-Forwarded-Proto</c>), so the login throttle and the journal see the real client and the cookies are Secure
/// behind https. Only the listed proxies are believed (none by default, not even this machine), walking the
/// <c>X-Forwarded-For</c> list from the right until the first address that is not a trusted proxy.
/// </summary>
internal sealed class ForwardedClients(ServerSetup setup) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        var options = Options(setup.Config.Server.TrustedProxies);
        if (options is not null)
        {
            var routes = app.ApplicationServices.GetRequiredService<DashboardRoutes>();
            app.UseWhen(ctx => routes.Covers(ctx.Request.Path), branch => branch.UseForwardedHeaders(options));
        }
        next(app);
    };

    /// <summary>The middleware's options for these proxies, or null when none is trusted (no header is believed).</summary>
    internal static ForwardedHeadersOptions? Options(IReadOnlyList<string> proxies)
    {
        var options = new ForwardedHeadersOptions
        {
            ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto,
            ForwardLimit = null, // a chain of trusted proxies is walked to its first untrusted address
            RequireHeaderSymmetry = false,
        };
        options.KnownProxies.Clear(); // the default trusts loopback: nothing is trusted unless configured
        options.KnownIPNetworks.Clear();
        foreach (var entry in proxies)
            if (TrustedProxy.TryParse(entry, out var network) && network.PrefixLength > 0) options.KnownIPNetworks.Add(network); // /0 is a configuration problem: never applied
        return options.KnownIPNetworks.Count == 0 ? null : options;
    }
}
