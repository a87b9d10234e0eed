using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Coffre.Server;

/// <summary><c>app.MapCoffreDashboard("/admin/backups")</c>: the dashboard, its actions, /metrics and /health under a prefix.</summary>
public static class CoffreEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the dashboard under <paramref name="prefix"/> (<c>/</c> for a whole site). Every route needs the dashboard's
    /// own login (the <see cref="CoffreAuthentication.Policy"/> policy) except <c>health</c>, <c>login</c> and
    /// <c>metrics</c> (which also takes the bearer token). Needs <see cref="CoffreServiceCollectionExtensions.AddCoffre(IServiceCollection, ServerSetup)"/>.
    /// </summary>
    public static RouteGroupBuilder MapCoffreDashboard(this IEndpointRouteBuilder endpoints, string prefix = "/")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(prefix);
        var routes = endpoints.ServiceProvider.GetService<DashboardRoutes>()
            ?? throw new InvalidOperationException("call services.AddCoffre(...) before MapCoffreDashboard");
        routes.MapAt(prefix);
        var group = endpoints.MapGroup(routes.Prefix.Length == 0 ? "/" : routes.Prefix);
        group.RequireAuthorization(CoffreAuthentication.Policy);
        group.AddEndpointFilter(DashboardGuard.InvokeAsync);
        ServerEndpoints.Map(group);
        return group;
    }
}
