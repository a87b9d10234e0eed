using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;
using Microsoft.Extensions.Logging.Console;

namespace Coffre.Server;

/// <summary>
/// <c>coffre serve</c> as a systemd service (<c>Type=notify</c>, docs/service.md): READY=1 on $NOTIFY_SOCKET once the
/// host has started (Kestrel bound, the schedule armed), STOPPING=1 at a stop, and each log line prefixed with its
/// journald level (<c>&lt;3&gt;</c> error, <c>&lt;4&gt;</c> warning, <c>&lt;6&gt;</c> information), so
/// <c>journalctl -p warning</c> filters them.
/// </summary>
internal static class SystemdIntegration
{
    public const string NotifySocket = "NOTIFY_SOCKET";

    /// <summary>
    /// Under systemd: started by it (the package's own test), or handed a notify socket, which is how sd_notify(3) decides
    /// too (a wrapper such as flock or a container runtime between systemd and coffre hides the parent).
    /// </summary>
    public static bool UnderSystemd() =>
        SystemdHelpers.IsSystemdService() || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(NotifySocket));

    /// <summary>What <c>AddSystemd()</c> adds, on <see cref="UnderSystemd"/>'s test rather than the parent's name only.</summary>
    public static void AddTo(IServiceCollection services)
    {
        if (!UnderSystemd()) return;
        services.Configure<ConsoleLoggerOptions>(o => o.FormatterName = ConsoleFormatterNames.Systemd);
        services.AddSingleton<ISystemdNotifier, SystemdNotifier>();
        services.AddSingleton<IHostLifetime, SystemdLifetime>();
    }
}
