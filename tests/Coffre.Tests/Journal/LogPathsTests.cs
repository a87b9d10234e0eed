using Coffre.Journal;

namespace Coffre.Tests.Journal;

public class LogPathsTests
{
    [Theory]
    [InlineData(null, "/srv/boutique/backups", "/srv/boutique/logs")]
    [InlineData(null, "/srv/boutique/backups/", "/srv/boutique/logs")]
    [InlineData("", "/srv/boutique/backups", "/srv/boutique/logs")]
    [InlineData("/var/log/coffre", "/srv/boutique/backups", "/var/log/coffre")]
    [InlineData("/var/log/coffre", null, "/var/log/coffre")]
    [InlineData(null, null, null)]
    [InlineData(null, "/", null)]
    public void The_configured_folder_wins_else_logs_beside_the_repository(string? configured, string? repository, string? expected) =>
        Assert.Equal(expected, LogPaths.Resolve(configured, repository));

    [Fact]
    public void A_relative_repository_is_taken_from_the_current_folder() =>
        Assert.Equal(Path.Combine(Environment.CurrentDirectory, "logs"), LogPaths.Resolve(null, "backups"));
}
