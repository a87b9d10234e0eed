using Coffre.IntegrationTests.Infrastructure;

namespace Coffre.IntegrationTests.BadInput;

/// <summary>No repository where one is expected: exit 10 and one line; nothing is created on the way.</summary>
public class MissingRepositoryTests
{
    [Theory]
    [InlineData("snapshots")]
    [InlineData("backup")]
    [InlineData("check")]
    [InlineData("restore")]
    public void Repository_path_that_does_not_exist_exits_10(string command)
    {
        using var dir = new TestDirectory("no-repo");
        var missing = dir.Sub("nowhere/repo");
        var coffre = new CoffreRunner(missing);
        string[] args = command switch
        {
            "backup" => ["backup", dir.Path],
            "restore" => ["restore", "latest", "--target", dir.Sub("restore")],
            _ => [command],
        };

        var r = coffre.Run(args);

        Errors.AssertOneLine(r, 10, missing);
        Assert.False(Directory.Exists(missing), "a failed command must not create the repository folder");
    }

    [Fact]
    public void Empty_folder_is_not_a_repository()
    {
        using var dir = new TestDirectory("empty-repo");
        var empty = dir.CreateSub("empty");

        var r = new CoffreRunner(empty).Run("snapshots");

        Errors.AssertOneLine(r, 10);
        Assert.Empty(Directory.EnumerateFileSystemEntries(empty));
    }

    [Fact]
    public void No_repository_given_exits_10()
    {
        var r = new CoffreRunner(repository: null).Run("snapshots");

        Errors.AssertOneLine(r, 10, "repo");
    }

    [Fact]
    public void Repository_option_is_used_when_the_environment_names_none()
    {
        using var dir = new TestDirectory("repo-option");
        var repo = dir.Sub("repo");
        new CoffreRunner(repo).Init();

        var r = new CoffreRunner(repository: null).Run("-r", repo, "snapshots", "--json");

        Assert.True(r.ExitCode == 0, r.Describe());
        Assert.Equal("[]", r.StdOut.Trim());
    }
}
