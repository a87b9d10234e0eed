using Coffre.Server;

namespace Coffre.IntegrationTests.Server;

public class PasswordHashTests
{
    [Fact]
    public void A_hash_accepts_its_password_only_and_two_hashes_of_one_password_differ()
    {
        var text = PasswordHash.Create("été 2026 ✓");
        Assert.Matches(@"^pbkdf2-sha256\$600000\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$", text);
        var hash = PasswordHash.Parse(text);
        Assert.True(hash.Verify("été 2026 ✓"));
        Assert.False(hash.Verify("ete 2026 ✓"));
        Assert.False(hash.Verify(""));
        Assert.NotEqual(text, PasswordHash.Create("été 2026 ✓"));
    }

    [Theory]
    [InlineData(null, "not set")]
    [InlineData("secret", "not of the form")]
    [InlineData("pbkdf2-sha256$1000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "at least 600000")]
    [InlineData("pbkdf2-sha256$600000$!!$AAAA", "not base64")]
    [InlineData("pbkdf2-sha256$600000$AAAAAAAAAAAAAAAAAAAAAA==$AAAA", "wrong length")]
    public void A_malformed_hash_is_refused_with_the_reason(string? text, string reason)
    {
        var e = Assert.Throws<FormatException>(() => PasswordHash.Parse(text));
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_admin_account_checks_user_and_password_together()
    {
        var admin = new AdminAccount(new Coffre.Configuration.AdminSection { User = "admin", PasswordHash = PasswordHash.Create("right password") });
        Assert.Null(admin.Problem);
        Assert.True(admin.Check("admin", "right password"));
        Assert.False(admin.Check("root", "right password"));
        Assert.False(admin.Check("admin", "wrong password"));
        var none = new AdminAccount(new Coffre.Configuration.AdminSection());
        Assert.Contains("server.admin.user is not set", none.Problem, StringComparison.Ordinal);
        Assert.False(none.Check("", ""));
    }
}
