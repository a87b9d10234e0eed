using Coffre.Platform;

namespace Coffre.Tests.Platform;

public class UserNamesTests
{
    [Fact]
    public void Root_resolves_both_ways()
    {
        Assert.Equal("root", UserNames.UserName(0));
        Assert.Equal("root", UserNames.GroupName(0));
        Assert.Equal(0u, UserNames.UserId("root"));
        Assert.Equal(0u, UserNames.GroupId("root"));
    }

    [Fact]
    public void Unknown_ids_and_names_are_null()
    {
        Assert.Null(UserNames.UserName(3_999_999_999));
        Assert.Null(UserNames.GroupName(3_999_999_999));
        Assert.Null(UserNames.UserId("no-such-user-coffre"));
        Assert.Null(UserNames.GroupId("no-such-group-coffre"));
        Assert.Null(UserNames.UserId(""));
    }

    [Fact]
    public void Lookups_are_cached_and_thread_safe()
    {
        string?[] results = new string?[64];
        Parallel.For(0, results.Length, i => results[i] = UserNames.UserName(0));
        Assert.All(results, r => Assert.Equal("root", r));
    }

    [Fact]
    public void Names_agree_with_etc_passwd()
    {
        foreach (string line in File.ReadAllLines("/etc/passwd"))
        {
            string[] fields = line.Split(':');
            if (fields.Length < 3 || !uint.TryParse(fields[2], out uint uid))
            {
                continue;
            }
            Assert.Equal(uid, UserNames.UserId(fields[0]));
            Assert.NotNull(UserNames.UserName(uid));
        }
    }
}
