using Coffre.Scheduling;

namespace Coffre.Tests.Scheduling;

public class SystemdUnitsTests
{
    [Fact]
    public void SystemUnitsGolden()
    {
        var install = new ScheduleInstall("/srv/boutique/coffre.json", "boutique",
            [new ScheduledJob(JobKind.Backup, Schedule.Parse("daily 02:30")), new ScheduledJob(JobKind.FullDrill, Schedule.Parse("monthly 30 05:00"))],
            ["/usr/local/bin/coffre"], "/srv/boutique/coffre.env");
        var files = SystemdUnits.Generate(install);
        Assert.Equal(["coffre-boutique-backup.service", "coffre-boutique-backup.timer", "coffre-boutique-full-drill.service", "coffre-boutique-full-drill.timer"], files.Select(f => f.FileName));
        Assert.Equal(
            """
            # Written by 'coffre schedule install' for /srv/boutique/coffre.json (reinstalling replaces this file)
            [Unit]
            Description=Coffre backup of boutique
            Wants=network-online.target
            After=network-online.target

            [Service]
            Type=oneshot
            ExecStart=/usr/bin/flock /srv/boutique/coffre.json /usr/local/bin/coffre backup -c /srv/boutique/coffre.json
            EnvironmentFile=/srv/boutique/coffre.env
            Nice=10
            IOSchedulingClass=best-effort
            IOSchedulingPriority=7

            """, files[0].Content);
        Assert.Equal(
            """
            # Written by 'coffre schedule install' for /srv/boutique/coffre.json (reinstalling replaces this file)
            [Unit]
            Description=Coffre full restore drill of boutique: monthly 30 05:00

            [Timer]
            OnCalendar=*-*-30 05:00:00
            OnCalendar=*-02~01 05:00:00
            Persistent=true

            [Install]
            WantedBy=timers.target

            """, files[3].Content);
        Assert.Contains("ExecStart=/usr/bin/flock /srv/boutique/coffre.json /usr/local/bin/coffre drill --full -c /srv/boutique/coffre.json\n", files[2].Content, StringComparison.Ordinal);
    }

    [Fact]
    public void UserUnitsHaveNoNetworkTargetAndNoEnvironmentFileWithoutVariables()
    {
        var install = new ScheduleInstall("/home/me/app/coffre.json", "my app", [new ScheduledJob(JobKind.Drill, Schedule.Parse("weekly mon 04:00"))],
            ["/usr/bin/dotnet", "/opt/coffre/coffre.dll"], null, User: true);
        var (name, service) = SystemdUnits.Generate(install)[0];
        Assert.Equal("coffre-my_app-drill.service", name);
        Assert.DoesNotContain("network-online", service, StringComparison.Ordinal);
        Assert.DoesNotContain("EnvironmentFile", service, StringComparison.Ordinal);
        Assert.Contains("ExecStart=/usr/bin/flock /home/me/app/coffre.json /usr/bin/dotnet /opt/coffre/coffre.dll drill -c /home/me/app/coffre.json\n", service, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/srv/app/coffre.json", "/srv/app/coffre.json")]
    [InlineData("/srv/my app/coffre.json", "\"/srv/my app/coffre.json\"")]
    [InlineData("/srv/100%/x", "/srv/100%%/x")]
    [InlineData("/srv/$HOME", "/srv/$$HOME")]
    [InlineData("/srv/a\"b\\c", "\"/srv/a\\\"b\\\\c\"")]
    public void ExecStartArgumentsAreQuotedForSystemd(string arg, string expected) => Assert.Equal(expected, SystemdUnits.Quote(arg));

    [Fact]
    public void ControlCharactersAreRefused() => Assert.Throws<ArgumentException>(() => SystemdUnits.Quote("/srv/a\nb"));
}
