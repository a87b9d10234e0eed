using Coffre.Platform;

namespace Coffre.IntegrationTests.Infrastructure;

/// <summary>Where a restore puts things: the snapshot's absolute paths are recreated under the target.</summary>
internal static class Restored
{
    /// <summary><paramref name="target"/> + <paramref name="absolute"/>: restoring /tmp/x/src into DIR gives DIR/tmp/x/src.</summary>
    public static byte[] PathOf(string target, byte[] absolute) =>
        UnixPath.Join(UnixPath.FromString(target), absolute.AsSpan().TrimStart((byte)'/'));

    public static byte[] PathOf(string target, string absolute) => PathOf(target, UnixPath.FromString(absolute));
}

/// <summary>The checks that end every scenario: both Coffre and restic accept the repository, data included.</summary>
internal static class Verify
{
    public static void RepositoryIntact(string repository, string password = TestPasswords.Default)
    {
        var coffre = new CoffreRunner(repository, password);
        var own = coffre.Run("check", "--read-data");
        Assert.True(own.ExitCode == 0, $"coffre check --read-data fails\n{own.Describe()}");
        Restic.AssertCheckReadData(repository, password);
    }
}
