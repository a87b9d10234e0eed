using Coffre.Storage.Sftp;

namespace Coffre.IntegrationTests.Storage.Sftp;

/// <summary>restic's three SFTP location forms, what they print back, and the ssh command line they give.</summary>
public sealed class SftpLocationTests
{
    [Theory]
    [InlineData("sftp:user@host:/srv/repo", "user", "host", null, "/srv/repo")]
    [InlineData("sftp:host:relative/repo", null, "host", null, "relative/repo")]
    [InlineData("sftp:backup@10.0.0.5:/srv/repo/", "backup", "10.0.0.5", null, "/srv/repo")]
    [InlineData("sftp://user@host:2222//srv/repo", "user", "host", 2222, "/srv/repo")]
    [InlineData("sftp://user@host/relative/repo", "user", "host", null, "relative/repo")]
    [InlineData("sftp://host:22/repo", null, "host", 22, "repo")]
    [InlineData("sftp://user@[::1]:2222//srv/repo", "user", "::1", 2222, "/srv/repo")]
    [InlineData("sftp:user@[::1]:/srv/repo", "user", "::1", null, "/srv/repo")]
    [InlineData("sftp:user@host:/", "user", "host", null, "/")]
    public void Parses_restic_forms(string text, string? user, string host, int? port, string path)
    {
        var l = SftpLocation.Parse(text);
        Assert.Equal(new SftpLocation(user, host, port, path), l);
        // What it prints parses back to the same place.
        Assert.Equal(l, SftpLocation.Parse(l.ToString()));
    }

    [Theory]
    [InlineData("sftp:host", "no ':' between the host and the path")]
    [InlineData("sftp:user@host:", "the path is empty")]
    [InlineData("sftp:-oProxyCommand=touch${IFS}x:/repo", "is not a host name")]
    [InlineData("sftp:-luser@host:/repo", "the user name")]
    [InlineData("sftp://user@-oProxyCommand=x:22//repo", "is not a host name")]
    [InlineData("sftp://user:secret@host:22//repo", "it holds a password")]
    [InlineData("sftp://host:99999//repo", "not a number from 1 to 65535")]
    [InlineData("sftp://host", "no path after the host")]
    [InlineData("sftp:ho st:/repo", "is not a host name")]
    [InlineData("sftp:host:/re\npo", "control character")]
    [InlineData("s3:host:/repo", "does not start with sftp:")]
    public void Refuses_what_is_not_a_location(string text, string why)
    {
        var e = Assert.Throws<FormatException>(() => SftpLocation.Parse(text));
        Assert.Contains(why, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_ssh_command_is_restics_with_batch_mode_and_no_way_to_inject_an_option()
    {
        var env = new Dictionary<string, string?>();
        Assert.Equal(["ssh", "-o", "BatchMode=yes", "-p", "2222", "-l", "user", "-s", "--", "host", "sftp"],
            SftpCommandLine.For(SftpLocation.Parse("sftp://user@host:2222//srv/repo"), env));
        Assert.Equal(["ssh", "-o", "BatchMode=yes", "-s", "--", "host", "sftp"],
            SftpCommandLine.For(SftpLocation.Parse("sftp:host:/srv/repo"), env));
        env[SftpCommandLine.ArgsVariable] = "-i '/keys/my key' -o UserKnownHostsFile=/etc/coffre/known_hosts";
        Assert.Equal(["ssh", "-i", "/keys/my key", "-o", "UserKnownHostsFile=/etc/coffre/known_hosts", "-o", "BatchMode=yes", "-s", "--", "host", "sftp"],
            SftpCommandLine.For(SftpLocation.Parse("sftp:host:/srv/repo"), env));
        env[SftpCommandLine.CommandVariable] = "/usr/bin/ssh -p 22 \"backup user@host\" -s sftp";
        Assert.Equal(["/usr/bin/ssh", "-p", "22", "backup user@host", "-s", "sftp"],
            SftpCommandLine.For(SftpLocation.Parse("sftp:host:/srv/repo"), env));
    }

    [Theory]
    [InlineData("a 'b c' \"d e\" f\\ g", new[] { "a", "b c", "d e", "f g" })]
    [InlineData("  a   ''  b ", new[] { "a", "", "b" })]
    [InlineData("x\"it's\"", new[] { "xit's" })]
    public void Command_lines_split_like_a_shell(string line, string[] words) =>
        Assert.Equal(words, SftpCommandLine.Split(line, "test"));

    [Theory]
    [InlineData("a 'b", "unclosed")]
    [InlineData("a \\", "lone backslash")]
    public void Broken_command_lines_are_refused(string line, string why) =>
        Assert.Contains(why, Assert.Throws<FormatException>(() => SftpCommandLine.Split(line, "test")).Message, StringComparison.Ordinal);
}
