using System.Diagnostics;
using Coffre.Platform;

namespace Coffre.Tests.Platform;

public class PosixProcessTests
{
    [Fact]
    public void Current_process_is_alive()
    {
        Assert.Equal(Environment.ProcessId, Posix.ProcessId);
        Assert.True(Posix.IsProcessAlive(Posix.ProcessId));
    }

    [Fact]
    public void Init_is_alive_and_nonsense_ids_are_not()
    {
        Assert.True(Posix.IsProcessAlive(1));
        Assert.False(Posix.IsProcessAlive(0));
        Assert.False(Posix.IsProcessAlive(-1));
        Assert.False(Posix.IsProcessAlive(int.MaxValue));
    }

    [Fact]
    public void Exited_process_is_not_alive()
    {
        using var process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        process.WaitForExit();
        Assert.False(Posix.IsProcessAlive(process.Id));
    }

    [Fact]
    public void User_and_group_ids_match_a_new_file()
    {
        using var dir = new TempDirectory();
        byte[] file = dir.WriteFile("f", "");
        FileStatus status = Posix.LStat(file);
        Assert.Equal(Posix.EffectiveUserId, status.Uid);
        Assert.Equal(Posix.EffectiveGroupId, status.Gid);
    }

    [Fact]
    public void Host_name_matches_the_kernel()
    {
        string expected = File.ReadAllText("/proc/sys/kernel/hostname").Trim();
        Assert.Equal(expected, Posix.GetHostName());
    }

    [Fact]
    public void Current_directory_is_absolute()
    {
        byte[] cwd = Posix.GetCurrentDirectory();
        Assert.True(UnixPath.IsAbsolute(cwd));
        Assert.Equal(Environment.CurrentDirectory, System.Text.Encoding.UTF8.GetString(cwd));
    }
}
