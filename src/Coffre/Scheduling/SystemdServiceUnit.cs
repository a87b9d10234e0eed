using System.Text;
using Coffre.Configuration;
using Coffre.Journal;
using Coffre.Repository.Index;
using Coffre.Storage;

namespace Coffre.Scheduling;

/// <summary>
/// The unit of <c>coffre serve</c> (systemd.service(5), docs/service.md): <c>Type=notify</c> (the service says READY=1
/// once it listens), the configuration's schedule run by the service itself (so no timer is installed beside it), and
/// a sandbox: the whole file system read-only except what Coffre writes (<see cref="WritablePaths"/>).
/// </summary>
public static class SystemdServiceUnit
{
    /// <summary>How long systemd waits after SIGTERM: the service's grace for a running job (1 min) and 30 s to stop.</summary>
    public const int StopTimeoutSeconds = 120;

    /// <summary>The unit's file name: <c>coffre-boutique-serve.service</c>.</summary>
    public static string FileName(ScheduleInstall install)
    {
        ArgumentNullException.ThrowIfNull(install);
        var app = new string(install.Application.Select(ch => char.IsAsciiLetterOrDigit(ch) || ch is '_' or '.' or '-' ? ch : '_').ToArray());
        return $"coffre-{app}-serve.service";
    }

    public static string Generate(ScheduleInstall install, IReadOnlyList<string> writable)
    {
        ArgumentNullException.ThrowIfNull(install);
        ArgumentNullException.ThrowIfNull(writable);
        var unit = new StringBuilder($"{ScheduleInstall.Marker}{install.ConfigPath} (reinstalling replaces this file)\n")
            .Append("[Unit]\n")
            .Append($"Description=Coffre service of {install.Application}: its schedule and dashboard\n");
        if (!install.User) unit.Append("Wants=network-online.target\nAfter=network-online.target\n");
        unit.Append("\n[Service]\nType=notify\n")
            .Append($"ExecStart={string.Join(' ', install.Coffre.Concat(["serve", "-c", install.ConfigPath]).Select(SystemdUnits.Quote))}\n");
        if (install.EnvironmentFile is { } env) unit.Append($"EnvironmentFile={SystemdUnits.Quote(env)}\n");
        unit.Append("Restart=on-failure\nRestartSec=10s\n")
            .Append($"TimeoutStopSec={StopTimeoutSeconds}s\n")
            .Append("Nice=10\nIOSchedulingClass=best-effort\nIOSchedulingPriority=7\n")
            .Append("NoNewPrivileges=yes\n");
        if (!install.User)
        {
            // The sandbox needs the system manager (a user manager would need PrivateUsers=, which hides the files' owners).
            // Not PrivateDevices= nor RestrictSUIDSGID=: a restore from the dashboard may recreate device nodes and setuid files.
            unit.Append("ProtectSystem=strict\nPrivateTmp=yes\n")
                .Append("ProtectKernelTunables=yes\nProtectKernelModules=yes\nProtectKernelLogs=yes\nProtectControlGroups=yes\n")
                .Append("RestrictRealtime=yes\nLockPersonality=yes\nProtectClock=yes\nProtectHostname=yes\n")
                .Append("RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK\n");
            // "-": a folder missing at start (a disk not mounted yet) does not stop the service; it reports it instead.
            if (writable.Count > 0) unit.Append($"ReadWritePaths={string.Join(' ', writable.Select(p => SystemdUnits.Quote("-" + p)))}\n");
        }
        unit.Append("\n[Install]\nWantedBy=").Append(install.User ? "default.target" : "multi-user.target").Append('\n');
        return unit.ToString();
    }

    /// <summary>
    /// What the service writes: the repository (when local), the journal and the server's keys (the log folder), the
    /// damage ledger (the cache), and, when the dashboard may restore, the media folders and SQLite files' folders.
    /// </summary>
    public static IReadOnlyList<string> WritablePaths(CoffreConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var paths = new List<string>();
        var location = RepositoryLocation.Parse(config.Repository.LocationInForce);
        var repository = RepositoryLocation.Canonical(config.Repository.LocationInForce);
        if (location.IsLocal) paths.Add(repository);
        if (LogPaths.Resolve(config.Logging.Path, repository) is { } logs) paths.Add(logs);
        if (DamageLedger.CacheRoot() is { } cache) paths.Add(cache);
        if (config.Server.AllowRestore)
        {
            paths.AddRange(config.Media.Select(m => m.Path).OfType<string>().Select(Path.GetFullPath));
            paths.AddRange(config.Databases.Select(d => d.Path).OfType<string>().Select(p => Path.GetDirectoryName(Path.GetFullPath(p))!));
        }
        return [.. paths.Distinct(StringComparer.Ordinal)];
    }
}
