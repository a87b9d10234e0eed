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
