using System.Text;
using Coffre.Configuration;

namespace Coffre.Tests.Configuration;

public sealed class PasswordSourceTests : IDisposable
{
    private readonly ConfigFixture _f = new();

    public void Dispose() => _f.Dispose();

    private static string Text(byte[] b) => Encoding.UTF8.GetString(b);

    [Fact]
    public void FromAnEnvironmentVariable()
    {
        var env = new Dictionary<string, string?> { ["MY_PW"] = "s3cret é" };
        Assert.Equal("s3cret é", Text(PasswordSource.Resolve(new RepositorySection { PasswordEnv = "MY_PW" }, env)));
    }

    [Theory]
    [InlineData(null, "not set")]
    [InlineData("", "empty")]
    public void AnUnsetOrEmptyVariableIsAnError(string? value, string expected)
    {
        var env = new Dictionary<string, string?>();
        if (value is not null) env["MY_PW"] = value;
        var e = Assert.Throws<CoffreException>(() => PasswordSource.Resolve(new RepositorySection { PasswordEnv = "MY_PW" }, env));
        Assert.Contains("MY_PW", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromTheProcessEnvironment()
    {
        var name = "COFFRE_TEST_PW_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(name, "from-process");
        try { Assert.Equal("from-process", Text(PasswordSource.Resolve(new RepositorySection { PasswordEnv = name }))); }
        finally { Environment.SetEnvironmentVariable(name, null); }
    }

    [Fact]
    public void FromAPrivateFileTheFirstLine()
    {
        var file = _f.WritePrivate("pw", "line one\r\nline two\n");
        Assert.Equal("line one", Text(PasswordSource.Resolve(new RepositorySection { PasswordFile = file })));
    }

    [Fact]
    public void AReadOnlyFileIsPrivateToo()
    {
        var file = _f.WritePrivate("pw", "x", UnixFileMode.UserRead);
        Assert.Equal("x", Text(PasswordSource.Resolve(new RepositorySection { PasswordFile = file })));
    }

    [Fact]
    public void AFileOthersCanReadIsRefused()
    {
        var file = _f.WritePrivate("pw", "s3cret", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var e = Assert.Throws<CoffreException>(() => PasswordSource.Resolve(new RepositorySection { PasswordFile = file }));
        Assert.Contains(file, e.Message, StringComparison.Ordinal);
        Assert.Contains("chmod 600", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingFileIsAnError()
    {
        var e = Assert.Throws<CoffreException>(() => PasswordSource.Resolve(new RepositorySection { PasswordFile = _f.PathOf("none") }));
        Assert.Contains(_f.PathOf("none"), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnEmptyFileIsAnError() =>
        Assert.Throws<CoffreException>(() => PasswordSource.Resolve(new RepositorySection { PasswordFile = _f.WritePrivate("pw", "\n") }));

    [Fact]
    public void FromACommandTheFirstLineOfItsOutput()
    {
        var r = new RepositorySection { PasswordCommand = "printf 'from command\\nsecond\\n'; echo noise >&2" };
        Assert.Equal("from command", Text(PasswordSource.Resolve(r)));
    }

    [Fact]
    public void AFailingCommandGivesItsExitCodeAndErrorsButNotItsOutput()
    {
        var r = new RepositorySection { PasswordCommand = "echo s3cr\"\"et-output; echo 'gpg: decryption failed' >&2; exit 3" };
        var e = Assert.Throws<CoffreException>(() => PasswordSource.Resolve(r));
        Assert.Contains("exit code 3", e.Message, StringComparison.Ordinal);
        Assert.Contains("gpg: decryption failed", e.Message, StringComparison.Ordinal);
        Assert.Contains(r.PasswordCommand, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-output", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ACommandThatPrintsNothingIsAnError()
    {
        var e = Assert.Throws<CoffreException>(() => PasswordSource.Resolve(new RepositorySection { PasswordCommand = "true" }));
        Assert.Contains("printed no password", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingCommandIsAnError()
    {
        var e = Assert.Throws<CoffreException>(() => PasswordSource.Resolve(new RepositorySection { PasswordCommand = "no-such-command-coffre" }));
        Assert.Contains("exit code 127", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RepositoryWithoutASourceIsAnError() =>
        Assert.Throws<CoffreException>(() => PasswordSource.Resolve(new RepositorySection()));

    [Fact]
    public void TwoSourcesAreAnError() =>
        Assert.Throws<CoffreException>(() => PasswordSource.Resolve(new RepositorySection { PasswordEnv = "A", PasswordCommand = "echo x" }));

    [Fact]
    public void ADatabaseWithoutASourceHasNoPassword() =>
        Assert.Null(PasswordSource.Resolve(new DatabaseSection { Name = "main", Engine = "postgresql" }));

    [Fact]
    public void ADatabasePasswordFromAFile()
    {
        var file = _f.WritePrivate("pg.pw", "pg-secret\n");
        Assert.Equal("pg-secret", Text(PasswordSource.Resolve(new DatabaseSection { Name = "main", PasswordFile = file })!));
    }
}
