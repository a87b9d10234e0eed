using Microsoft.AspNetCore.Http;

namespace Coffre.Server;

/// <summary>
/// Where the dashboard lives: <c>/</c> for <c>coffre serve</c>, <c>/admin/backups</c> when an application maps it with
/// <see cref="CoffreEndpointRouteBuilderExtensions.MapCoffreDashboard"/>. Every link, form action and redirect the
/// pages make goes through <see cref="Url"/>, so the dashboard works under any prefix (and under the host's PathBase).
/// </summary>
public sealed class DashboardRoutes
{
    /// <summary>The prefix without a trailing slash: "" at the root, else e.g. <c>/admin/backups</c>.</summary>
    public string Prefix { get; private set; } = "";

    internal bool Mapped { get; private set; }

    internal void MapAt(string prefix)
    {
        if (Mapped) throw new InvalidOperationException("MapCoffreDashboard is called once per application");
        var p = "/" + prefix.Trim().Trim('/');
        Prefix = p == "/" ? "" : p;
        Mapped = true;
    }

    /// <summary>The browser's path to the dashboard's <paramref name="relative"/> page (which starts with /).</summary>
    public string Url(HttpContext ctx, string relative)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        return $"{ctx.Request.PathBase}{Prefix}{relative}";
    }

    /// <summary>Whether a request's path is the dashboard's (its prefix or below).</summary>
    internal bool Covers(PathString path) => Prefix.Length == 0 || path.StartsWithSegments(Prefix, StringComparison.OrdinalIgnoreCase);

    /// <summary>The cookie path: the session cookie is only sent to the dashboard, not to the rest of a hosting application.</summary>
    internal string CookiePath => Prefix.Length == 0 ? "/" : Prefix;
}
