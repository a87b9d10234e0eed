using Coffre.IntegrationTests.Infrastructure;

namespace Coffre.IntegrationTests.Scheduling;

/// <summary><c>coffre schedule install</c> through the real CLI: the printed units and crontab lines, and a user install.</summary>
public sealed class ScheduleInstallCliTests : IDisposable
{
    private readonly TestDirectory dir = new("schedule");
    private readonly string config;
    private readonly CoffreRunner coffre;

    public ScheduleInstallCliTests()
    {
        Directory.CreateDirectory(dir.Sub("media"));
        config = dir.Sub("coffre.json");
        WriteConfig("""{ "backup": "daily 02:30", "drill": "weekly sun 04:00", "fullDrill": "monthly 31 05:00" }""");
        coffre = new CoffreRunner(null) { WorkingDirectory = dir.Path };
        coffre.Environment["XDG_CONFIG_HOME"] = dir.Sub("xdg");
    }

    private void WriteConfig(string schedule, string password = "\"passwordEnv\": \"SHOP_PASSWORD\"") => File.WriteAllText(config, $$"""
        { "application": "shop", "repository": { "path": "repo", {{password}} },
          "media": [ { "path": "media" } ], "schedule": {{schedule}} }
        """);

    /// <summary>How the units start this coffre: the dotnet host (as the child process sees itself) and coffre.dll.</summary>
    private static string Coffre
    {
        get
        {
            var host = new FileInfo(CoffreRunner.DotnetHost);
            return $"{host.ResolveLinkTarget(true)?.FullName ?? host.FullName} {CoffreRunner.CoffreDll}";
        }
    }

    [Fact]
    public void PrintSystemdShowsAServiceAndATimerPerJob()
    {
        var r = coffre.Ok("schedule", "install", "--systemd", "--print");
        string Service(string description, string args) => $"""
            # /etc/systemd/system/coffre-shop-{description}.service
            # Written by 'coffre schedule install' for {config} (reinstalling replaces this file)
            [Unit]
            Description=Coffre {(description == "backup" ? "backup" : description == "drill" ? "restore drill" : "full restore drill")} of shop
            Wants=network-online.target
            After=network-online.target

            [Service]
            Type=oneshot
            ExecStart=/usr/bin/flock {config} {Coffre} {args} -c {config}
            EnvironmentFile={dir.Sub("coffre.env")}
            Nice=10
            IOSchedulingClass=best-effort
            IOSchedulingPriority=7


            """;
        string Timer(string name, string description, string schedule, string calendar) => $"""
            # /etc/systemd/system/coffre-shop-{name}.timer
            # Written by 'coffre schedule install' for {config} (reinstalling replaces this file)
            [Unit]
            Description=Coffre {description} of shop: {schedule}

            [Timer]
            OnCalendar={calendar}
            Persistent=true

            [Install]
            WantedBy=timers.target


            """;
        Assert.Equal(
            Service("backup", "backup") + Timer("backup", "backup", "daily 02:30", "*-*-* 02:30:00")
            + Service("drill", "drill") + Timer("drill", "restore drill", "weekly sun 04:00", "Sun *-*-* 04:00:00")
            + Service("full-drill", "drill --full") + Timer("full-drill", "full restore drill", "monthly 31 05:00", "*-*~01 05:00:00"),
            r.StdOut);
        Assert.Contains("SHOP_PASSWORD=... in " + dir.Sub("coffre.env"), r.StdErr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir.Sub("xdg")), "--print wrote something");
    }

    [Fact]
    public void PrintCronShowsTheMarkedBlock()
    {
        var secret = dir.Sub("secret");
        File.WriteAllText(secret, "hunter2\n");
        File.SetUnixFileMode(secret, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        WriteConfig("""{ "backup": "hourly", "drill": "30 4 * * 1-5" }""", $"\"passwordFile\": \"{secret}\"");
        var r = coffre.Ok("schedule", "install", "--cron", "--print");
        Assert.Equal($"""
            # BEGIN coffre {config} (written by 'coffre schedule install'; reinstalling replaces this block)
            0 * * * * /usr/bin/flock {config} {Coffre} backup -q -c {config}
            30 4 * * 1-5 /usr/bin/flock {config} {Coffre} drill -q -c {config}
            # END coffre {config}

            """, r.StdOut);
        Assert.Equal("", r.StdErr); // a password file needs no note
        Assert.DoesNotContain("hunter2", r.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public void UserInstallWritesTheUnitsAndAReinstallRemovesWhatIsNoLongerScheduled()
    {
        var units = dir.Sub("xdg/systemd/user");
        Directory.CreateDirectory(units);
        File.WriteAllText(Path.Combine(units, "coffre-other-backup.timer"), "# someone else's\n");
        coffre.Environment["SHOP_PASSWORD"] = "s3cret-shop-pw";
        var r = coffre.Ok("schedule", "install", "--systemd", "--user");
        Assert.Contains("systemctl --user daemon-reload && systemctl --user enable --now coffre-shop-backup.timer coffre-shop-drill.timer coffre-shop-full-drill.timer", r.StdOut, StringComparison.Ordinal);
        Assert.Equal(7, Directory.GetFiles(units).Length);
        foreach (var f in Directory.GetFiles(units)) Assert.DoesNotContain("s3cret-shop-pw", File.ReadAllText(f), StringComparison.Ordinal);
        Assert.Contains("OnCalendar=Sun *-*-* 04:00:00\n", File.ReadAllText(Path.Combine(units, "coffre-shop-drill.timer")), StringComparison.Ordinal);

        WriteConfig("""{ "backup": "daily 03:00" }""");
        r = coffre.Ok("schedule", "install", "--systemd", "--user");
        Assert.Contains($"removed {Path.Combine(units, "coffre-shop-drill.service")} (no longer scheduled)", r.StdOut, StringComparison.Ordinal);
        Assert.Equal(["coffre-other-backup.timer", "coffre-shop-backup.service", "coffre-shop-backup.timer"], Directory.GetFiles(units).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Contains("OnCalendar=*-*-* 03:00:00\n", File.ReadAllText(Path.Combine(units, "coffre-shop-backup.timer")), StringComparison.Ordinal);
    }

    [Fact]
    public void ServiceInstallWritesTheServeUnitInPlaceOfTheTimersAndATimerInstallTakesItBack()
    {
        var units = dir.Sub("xdg/systemd/user");
        coffre.Environment["XDG_CACHE_HOME"] = dir.Sub("cache");
        coffre.Ok("schedule", "install", "--systemd", "--user");
        Assert.Equal(6, Directory.GetFiles(units).Length);

        var r = coffre.Ok("schedule", "install", "--systemd", "--service", "--user");
        Assert.Contains("systemctl --user daemon-reload && systemctl --user enable --now coffre-shop-serve.service", r.StdOut, StringComparison.Ordinal);
        Assert.Equal(["coffre-shop-serve.service"], Directory.GetFiles(units).Select(Path.GetFileName));
        var unit = File.ReadAllText(Path.Combine(units, "coffre-shop-serve.service"));
        Assert.Contains("Type=notify\n", unit, StringComparison.Ordinal);
        Assert.Contains($"ExecStart={Coffre} serve -c {config}\n", unit, StringComparison.Ordinal);
        Assert.Contains($"EnvironmentFile={dir.Sub("coffre.env")}\n", unit, StringComparison.Ordinal);
        Assert.Contains("NoNewPrivileges=yes\n", unit, StringComparison.Ordinal);
        Assert.True(Directory.Exists(dir.Sub("logs")), "the log folder is made before the service starts");
        Assert.True(Directory.Exists(dir.Sub("cache/coffre")), "the cache folder is made before the service starts");

        // A system unit, printed: the sandbox with the repository, the logs and the cache writable.
        var printed = coffre.Ok("schedule", "install", "--systemd", "--service", "--print").StdOut;
        Assert.Contains("# /etc/systemd/system/coffre-shop-serve.service\n", printed, StringComparison.Ordinal);
        Assert.Contains("ProtectSystem=strict\n", printed, StringComparison.Ordinal);
        Assert.Contains($"ReadWritePaths=-{dir.Sub("repo")} -{dir.Sub("logs")} -{dir.Sub("cache/coffre")}\n", printed, StringComparison.Ordinal);

        coffre.Ok("schedule", "install", "--systemd", "--user");
        Assert.DoesNotContain("coffre-shop-serve.service", Directory.GetFiles(units).Select(Path.GetFileName));
        Assert.Equal(6, Directory.GetFiles(units).Length);

        Assert.Contains("--service is for --systemd", coffre.Run("schedule", "install", "--cron", "--service").StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public void BadUsageAndBadSchedulesAreOneClearLine()
    {
        var r = coffre.Run("schedule", "install", "--print");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("coffre: choose one: --systemd or --cron", Assert.Single(r.StdErrLines));

        WriteConfig("""{ "backup": "daily 25:00" }""");
        r = coffre.Run("schedule", "install", "--cron", "--print");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("schedule.backup: \"daily 25:00\" is not a schedule", r.StdErr, StringComparison.Ordinal);

        WriteConfig("{}");
        r = coffre.Run("schedule", "install", "--systemd", "--print");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("schedules nothing", r.StdErr, StringComparison.Ordinal);
        Assert.Equal("", r.StdOut);
    }

    public void Dispose() => dir.Dispose();
}
