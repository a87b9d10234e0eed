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
