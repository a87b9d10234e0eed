using Coffre.IntegrationTests.Infrastructure;
using Coffre.Platform;
using Xunit.Abstractions;

namespace Coffre.IntegrationTests.Copy;

/// <summary>
/// `init --copy-chunker-params`: the destination cuts files like the source, so a snapshot copied into a repository
/// that already backed up the same data adds (almost) nothing; with its own chunker parameters it adds it all again.
/// </summary>
public class CopyDeduplicationTests(ITestOutputHelper output)
{
    [Fact]
    public void With_the_same_chunker_parameters_a_copy_of_data_the_destination_has_adds_almost_nothing()
    {
        using var dir = new TestDirectory("copy-dedup");
        const long dataSize = (5 << 20) + (3 << 20) + (1 << 20);
        var tree = TreeGenerator.CreateRandomFiles(UnixPath.FromString(dir.Sub("data")), 11, 5 << 20, 3 << 20, 1 << 20);
        var same = new CopyRepositories(dir, destination: "same-params");
        same.Source.Init();
        same.Source.Backup(tree.RootText);
        same.InitDestinationLikeSource();
        var other = new CopyRepositories(dir, destination: "own-params");
        other.Destination.Ok("init");

        var growthSame = BackUpThenCopy(same, tree.RootText);
        var growthOther = BackUpThenCopy(other, tree.RootText);

        output.WriteLine($"data {dataSize} B; copy grew the repository by {growthSame} B with --copy-chunker-params, {growthOther} B with its own");
        Assert.True(growthSame < dataSize / 100, $"with the source's chunker parameters the copy added {growthSame} bytes");
        // Some small files are one chunk whatever the polynomial (no cut point in them): most, not all, travels again.
        Assert.True(growthOther > dataSize / 2, $"with its own chunker parameters the copy added only {growthOther} bytes: the test proves nothing");
        same.ResticDestination.AssertCheckReadData();
        other.ResticDestination.AssertCheckReadData();
    }

    /// <summary>The destination backs the data up itself, then the source's snapshot of it is copied: how much the copy added.</summary>
    private static long BackUpThenCopy(CopyRepositories repos, string data)
    {
        repos.Destination.Backup(data);
        var before = CopyRepositories.Size(repos.DestinationPath);
        Assert.Single(repos.Copy().GetProperty("copied").EnumerateArray());
        return CopyRepositories.Size(repos.DestinationPath) - before;
    }
}
