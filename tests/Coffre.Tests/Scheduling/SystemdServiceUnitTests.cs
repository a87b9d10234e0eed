using System.Diagnostics;
using Coffre.Configuration;
using Coffre.Scheduling;

namespace Coffre.Tests.Scheduling;

/// <summary>The unit of <c>coffre serve</c> (<c>coffre schedule install --systemd --service</c>).</summary>
public class SystemdServiceUnitTests
{
    private static ScheduleInstall Install(bool user = false, string coffre = "/usr/local/bin/coffre") =>
        new("/srv/my shop/coffre.json", "my shop", [new ScheduledJob(JobKind.Backup, Schedule.Parse("daily 02:30"))], [coffre], "/srv/my shop/coffre.env", user);

    [Fact]
    public void SystemUnitIsNotifyTypeAndSandboxedWithOnlyWhatCoffreWritesWritable()
    {
        var install = Install();
        Assert.Equal("coffre-my_shop-serve.service", SystemdServiceUnit.FileName(install));
        Assert.Equal(
            """
            # Written by 'coffre schedule install' for /srv/my shop/coffre.json (reinstalling replaces this file)
            [Unit]
            Description=Coffre service of my shop: its schedule and dashboard
            Wants=network-online.target
            After=network-online.target

            [Service]
            Type=notify
            ExecStart=/usr/local/bin/coffre serve -c "/srv/my shop/coffre.json"
            EnvironmentFile="/srv/my shop/coffre.env"
            Restart=on-failure
            RestartSec=10s
            TimeoutStopSec=120s
            Nice=10
            IOSchedulingClass=best-effort
            IOSchedulingPriority=7
            NoNewPrivileges=yes
            ProtectSystem=strict
            PrivateTmp=yes
            ProtectKernelTunables=yes
            ProtectKernelModules=yes
            ProtectKernelLogs=yes
            ProtectControlGroups=yes
            RestrictRealtime=yes
            LockPersonality=yes
            ProtectClock=yes
            ProtectHostname=yes
            RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK
            ReadWritePaths=-/srv/backups "-/srv/my shop/logs" -/var/lib/50%%

            [Install]
            WantedBy=multi-user.target

            """, SystemdServiceUnit.Generate(install, ["/srv/backups", "/srv/my shop/logs", "/var/lib/50%"]));
    }

    [Fact]
    public void UserUnitHasNoSandboxTheUserManagerCannotSetUp()
    {
        var unit = SystemdServiceUnit.Generate(Install(user: true), ["/home/me/backups"]);
        Assert.Contains("NoNewPrivileges=yes\n", unit, StringComparison.Ordinal);
        Assert.DoesNotContain("ProtectSystem", unit, StringComparison.Ordinal);
        Assert.DoesNotContain("ReadWritePaths", unit, StringComparison.Ordinal);
        Assert.DoesNotContain("network-online", unit, StringComparison.Ordinal);
        Assert.EndsWith("WantedBy=default.target\n", unit, StringComparison.Ordinal);
    }

    [Fact]
    public void WritablePathsAreTheRepositoryTheLogsTheCacheAndWithRestoresTheMediaAndSqliteFolders()
    {
        var config = new CoffreConfig
        {
            Application = "shop",
            Repository = new RepositorySection { Path = "/srv/shop/backups" },
            Media = [new MediaSection { Path = "/srv/shop/media" }],
            Databases = [new DatabaseSection { Name = "db", Engine = "sqlite", Path = "/srv/shop/data/shop.db" }],
        };
        var cache = global::Coffre.Repository.Index.DamageLedger.CacheRoot();
        Assert.Equal(["/srv/shop/backups", "/srv/shop/logs", .. cache is null ? Array.Empty<string>() : [cache]], SystemdServiceUnit.WritablePaths(config));
        config.Server.AllowRestore = true;
        Assert.Equal(["/srv/shop/backups", "/srv/shop/logs", .. cache is null ? Array.Empty<string>() : [cache], "/srv/shop/media", "/srv/shop/data"], SystemdServiceUnit.WritablePaths(config));
        config.Repository = new RepositorySection { Path = "s3:https://s3.example.com/bucket/shop" };
        config.Logging.Path = "/var/log/coffre";
        Assert.DoesNotContain(SystemdServiceUnit.WritablePaths(config), p => p.Contains("s3", StringComparison.Ordinal));
        Assert.Equal("/var/log/coffre", SystemdServiceUnit.WritablePaths(config)[0]);
    }

    [SystemdAnalyzeFact]
    public void SystemdAcceptsTheUnit()
    {
        var folder = Directory.CreateTempSubdirectory("coffre-unit-").FullName;
        try
        {
            var path = Path.Combine(folder, "coffre-shop-serve.service");
            File.WriteAllText(path, SystemdServiceUnit.Generate(Install(coffre: "/bin/true") with { EnvironmentFile = null }, [folder]));
            using var verify = Process.Start(new ProcessStartInfo(SystemdAnalyzeFactAttribute.Path, ["verify", "--man=no", path]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            var errors = verify.StandardError.ReadToEnd() + verify.StandardOutput.ReadToEnd();
            verify.WaitForExit();
            Assert.True(verify.ExitCode == 0, errors);
            Assert.DoesNotContain("Unknown", errors, StringComparison.OrdinalIgnoreCase);
        }
        finally { Directory.Delete(folder, recursive: true); }
    }
}
