using Coffre.IntegrationTests.Infrastructure;

namespace Coffre.IntegrationTests.BadInput;

/// <summary>A wrong password: exit 12, one line, and the repository stays as it was.</summary>
public class WrongPasswordTests
{
    [Theory]
    [InlineData("snapshots")]
    [InlineData("backup")]
    [InlineData("restore")]
    [InlineData("check")]
    public void Wrong_password_exits_12_without_touching_the_repository(string command)
    {
        using var dir = new TestDirectory("wrong-password");
        var small = Scenarios.SmallRepository(dir);
        var wrong = new CoffreRunner(small.Repository, "not the password");
        string[] args = command switch
        {
            "backup" => ["backup", small.Tree.RootText],
            "restore" => ["restore", "latest", "--target", dir.Sub("restore")],
            _ => [command],
        };

        var r = wrong.Run(args);

        Errors.AssertOneLine(r, 12, "password");
        Assert.Single(RepoInspector.Snapshots(small.Repository));
        Assert.Empty(RepoInspector.Locks(small.Repository));
        small.AssertFirstSnapshotRestores(dir);
        Verify.RepositoryIntact(small.Repository);
    }
}
