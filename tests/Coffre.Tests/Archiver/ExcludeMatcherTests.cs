using Coffre.Archiver;

namespace Coffre.Tests.Archiver;

public class ExcludeMatcherTests
{
    [Theory]
    [InlineData("*.tmp", "/srv/app/a.tmp", true)]
    [InlineData("*.tmp", "/srv/app/sub/b.tmp", true)]
    [InlineData("*.tmp", "/srv/app/a.tmp.txt", false)]
    [InlineData("cache", "/srv/app/media/cache", true)]
    [InlineData("cache", "/srv/app/media/cached", false)]
    [InlineData("/srv/app/logs", "/srv/app/logs", true)]
    [InlineData("/srv/app/logs", "/other/srv/app/logs", false)]
    [InlineData("media/**/thumbs", "/srv/media/2024/01/thumbs", true)]
    [InlineData("cache/**", "/srv/app/cache/x/y", true)]
    [InlineData("?.log", "/a/b.log", true)]
    [InlineData("?.log", "/a/bb.log", false)]
    public void MatchesLikeRestic(string pattern, string path, bool excluded) =>
        Assert.Equal(excluded, new ExcludeMatcher([pattern]).IsExcluded(path));
}

public class ExcludeMatcherResticCasesTests
{
    [Theory]
    [InlineData("*.[tl]og", "/src/notes.log", true)]
    [InlineData("*.[tl]og", "/src/notes.tog", true)]
    [InlineData("*.[tl]og", "/src/notes.dog", false)]
    [InlineData("*.[^t]og", "/src/notes.tog", false)]
    [InlineData("src/**/leaf.txt", "/x/src/leaf.txt", true)]
    [InlineData("src/**/leaf.txt", "/x/src/a/b/leaf.txt", true)]
    [InlineData("cache", "/a/cache/b/c", true)]
    [InlineData(@"a\*b", "/x/a*b", true)]
    [InlineData(@"a\*b", "/x/axb", false)]
    public void MatchesLikeRestic(string pattern, string path, bool excluded) =>
        Assert.Equal(excluded, new ExcludeMatcher([pattern]).IsExcluded(path));
}

public class ExcludeMatcherWithinFolderTests
{
    [Theory]
    [InlineData("/home/x/cache/app/media/cache/a.bin", true)]
    [InlineData("/home/x/cache/app/media/2024/cache/b.bin", true)]
    [InlineData("/home/x/cache/app/media/uploads/a.jpg", false)]
    [InlineData("/home/x/cache/app/media", false)]
    public void RelativePatternsStayInsideTheirFolder(string path, bool excluded) =>
        Assert.Equal(excluded, ExcludeMatcher.Within("/home/x/cache/app/media", ["cache/**"]).IsExcluded(path));
}

public class ExcludeMatcherTwoWildcardsTests
{
    [Fact]
    public void EachDoubleStarMayStandForNothing() =>
        Assert.True(new ExcludeMatcher(["/srv/media/**/cache/**"]).IsExcluded("/srv/media/cache"));
}
