using Coffre.Storage.Rest;

namespace Coffre.IntegrationTests.Storage.Rest;

public sealed class RestLocationTests
{
    [Theory]
    [InlineData("rest:http://host:8000/", "http://host:8000/", null, null)]
    [InlineData("rest:https://host:8000/some/prefix", "https://host:8000/some/prefix/", null, null)]
    [InlineData("rest:http://user@10.0.0.1:8000/repo/", "http://10.0.0.1:8000/repo/", "user", null)]
    [InlineData("rest:http://us%3Aer:p%40ss%3Aw@[::1]:8000/", "http://[::1]:8000/", "us:er", "p@ss:w")]
    [InlineData("rest:http://host", "http://host/", null, null)]
    public void Parses_restics_syntax(string text, string url, string? user, string? password)
    {
        var l = RestLocation.Parse(text);
        Assert.Equal(url, l.Url.ToString());
        Assert.Equal(user, l.Username);
        Assert.Equal(password, l.Password);
    }

    [Fact]
    public void Printing_hides_the_password()
    {
        var l = RestLocation.Parse("rest:https://alice:hunter2@backup.example:8000/alice/");
        Assert.Equal("rest:https://alice:***@backup.example:8000/alice/", l.ToString());
        Assert.Equal("rest:http://h:1/", RestLocation.Parse("rest:http://h:1").ToString());
        Assert.DoesNotContain("hunter2", $"{l} {l.Url}", StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("rest:ftp://alice:hunter2@host/")]
    [InlineData("rest:alice:hunter2@host")]
    [InlineData("rest:http://alice:hunter2@host/?x=1")]
    [InlineData("rest:http://alice:hunter2@host/#frag")]
    [InlineData("s3:http://alice:hunter2@host/")]
    public void Bad_locations_are_refused_without_repeating_them(string text)
    {
        var e = Assert.Throws<CoffreException>(() => RestLocation.Parse(text));
        Assert.Contains("rest:http(s)://[user:pass@]host:port/[prefix]", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", e.Message, StringComparison.Ordinal);
    }
}
