using System.Diagnostics;
using Coffre.Platform;

namespace Coffre.Tests.Platform;

public class PosixStatusTests
{
    [Fact]
    public void LStat_regular_file()
    {
        using var dir = new TempDirectory();
        byte[] file = dir.WriteFile("file", "hello world");

        FileStatus status = Posix.LStat(file);

        Assert.True(status.IsRegularFile);
        Assert.False(status.IsDirectory || status.IsSymlink || status.IsFifo || status.IsSocket || status.IsCharDevice || status.IsBlockDevice);
        Assert.Equal(11, status.Size);
        Assert.Equal(1ul, status.Links);
        Assert.Equal(Posix.EffectiveUserId, status.Uid);
        Assert.NotEqual(0ul, status.Inode);
        Assert.Equal(FileStatus.TypeRegular, status.Type);
        Assert.Equal(Octal.O(644), status.Permissions);
    }

    [Fact]
    public void LStat_directory()
    {
        using var dir = new TempDirectory();
        FileStatus status = Posix.LStat(dir.Path);
        Assert.True(status.IsDirectory);
        Assert.False(status.IsRegularFile);
        Assert.Equal(Octal.O(700), status.Permissions);
    }

    [Fact]
    public void LStat_symlink_reports_the_link_and_Stat_follows_it()
    {
        using var dir = new TempDirectory();
        byte[] file = dir.WriteFile("target", "0123456789");
        byte[] link = dir.Child("link");
        Posix.Symlink("target"u8, link);

        FileStatus linkStatus = Posix.LStat(link);
        Assert.True(linkStatus.IsSymlink);
        Assert.Equal("target".Length, linkStatus.Size);

        FileStatus followed = Posix.Stat(link);
        Assert.True(followed.IsRegularFile);
        Assert.Equal(10, followed.Size);
        Assert.Equal(Posix.LStat(file).Inode, followed.Inode);
    }

    [Fact]
    public void Dangling_symlink_exists_for_LStat_but_not_Stat()
    {
        using var dir = new TempDirectory();
        byte[] link = dir.Child("dangling");
        Posix.Symlink("nowhere"u8, link);

        Assert.True(Posix.Exists(link));
        Assert.True(Posix.LStat(link).IsSymlink);
        Assert.Equal(Errno.ENOENT, Assert.Throws<PosixException>(() => Posix.Stat(link)).Errno);
    }

    [Fact]
    public void LStat_fifo()
    {
        using var dir = new TempDirectory();
        byte[] fifo = dir.Child("fifo");
        Posix.MakeFifo(fifo, Octal.O(640));

        FileStatus status = Posix.LStat(fifo);
        Assert.True(status.IsFifo);
        Assert.Equal(Octal.O(640), status.Permissions);
    }

    [RootFact] // mknod of a device needs root (CAP_MKNOD); the tests run as root in CI
    public void MakeNode_creates_a_fifo_and_a_device()
    {
        using var dir = new TempDirectory();
        byte[] fifo = dir.Child("node-fifo");
        Posix.MakeNode(fifo, FileStatus.TypeFifo | Octal.O(600), 0);
        Assert.True(Posix.LStat(fifo).IsFifo);

        byte[] device = dir.Child("null-copy");
        ulong rdev = FileStatus.MakeDevice(1, 3);
        Posix.MakeNode(device, FileStatus.TypeCharDevice | Octal.O(600), rdev);
        FileStatus status = Posix.LStat(device);
        Assert.True(status.IsCharDevice);
        Assert.Equal(rdev, status.RDev);
    }

    [Fact]
    public void LStat_dev_null_decodes_the_device_number()
    {
        FileStatus status = Posix.LStat("/dev/null"u8);
        Assert.True(status.IsCharDevice);
        Assert.Equal(FileStatus.MakeDevice(1, 3), status.RDev);
        Assert.Equal(1u, FileStatus.DeviceMajor(status.RDev));
        Assert.Equal(3u, FileStatus.DeviceMinor(status.RDev));
    }

    [Theory]
    [InlineData(0u, 0u)]
    [InlineData(1u, 3u)]
    [InlineData(8u, 1u)]
    [InlineData(259u, 65536u)]
    [InlineData(0xFFFFFFFFu, 0xFFFFFFFFu)]
    public void Device_numbers_round_trip(uint major, uint minor)
    {
        ulong dev = FileStatus.MakeDevice(major, minor);
        Assert.Equal(major, FileStatus.DeviceMajor(dev));
        Assert.Equal(minor, FileStatus.DeviceMinor(dev));
    }

    [Fact]
    public void Device_inode_and_links_match_coreutils_stat()
    {
        using var dir = new TempDirectory();
        byte[] file = dir.WriteFile("file", "x");
        FileStatus status = Posix.LStat(file);

        using var process = Process.Start(new ProcessStartInfo("stat", ["-c", "%d %i %h %u %g %f", System.Text.Encoding.UTF8.GetString(file)])
        {
            RedirectStandardOutput = true,
        })!;
        string output = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();

        Assert.Equal($"{status.Device} {status.Inode} {status.Links} {status.Uid} {status.Gid} {status.Mode:x}", output);
    }

    [Fact]
    public void Hard_link_shares_the_inode_and_counts_two_links()
    {
        using var dir = new TempDirectory();
        byte[] file = dir.WriteFile("original", "data");
        byte[] link = dir.Child([(byte)'h', 0xFF]);
        Posix.Link(file, link);

        FileStatus a = Posix.LStat(file);
        FileStatus b = Posix.LStat(link);
        Assert.Equal(2ul, a.Links);
        Assert.Equal(2ul, b.Links);
        Assert.Equal(a.Inode, b.Inode);
        Assert.Equal(a.Device, b.Device);
    }

    [Fact]
    public void SetTimes_round_trips_nanoseconds()
    {
        using var dir = new TempDirectory();
        byte[] file = dir.WriteFile("file", "x");
        var access = new UnixTime(1700000000, 1);
        var modify = new UnixTime(1704164645, 123456789);

        Posix.SetTimes(file, access, modify);

        FileStatus status = Posix.LStat(file);
        Assert.Equal(modify, status.ModifyTime);
        Assert.Equal(access, status.AccessTime);
        Assert.True(status.ChangeTime.Seconds > 1704164645);
    }

    [Fact]
    public void SetTimes_before_the_epoch()
    {
        using var dir = new TempDirectory();
        byte[] file = dir.WriteFile("file", "x");
        var old = new UnixTime(-86400, 500);
        Posix.SetTimes(file, old, old);
        Assert.Equal(old, Posix.LStat(file).ModifyTime);
    }

    [Fact]
    public void SetTimes_on_a_symlink_leaves_the_target_alone()
    {
        using var dir = new TempDirectory();
        byte[] file = dir.WriteFile("target", "x");
        var targetTime = new UnixTime(1600000000, 111);
        Posix.SetTimes(file, targetTime, targetTime);
        byte[] link = dir.Child("link");
        Posix.Symlink("target"u8, link);

        var linkTime = new UnixTime(1500000000, 222333444);
        Posix.SetTimes(link, linkTime, linkTime);

        Assert.Equal(linkTime, Posix.LStat(link).ModifyTime);
        Assert.Equal(linkTime, Posix.LStat(link).AccessTime);
        Assert.Equal(targetTime, Posix.LStat(file).ModifyTime);
        Assert.Equal(targetTime, Posix.LStat(file).AccessTime);
    }

    [Theory]
    [InlineData(600)]
    [InlineData(755)]
    [InlineData(4755)]
    [InlineData(2750)]
    [InlineData(1777)]
    [InlineData(000)]
    public void Chmod_round_trips_permissions_and_special_bits(int octal)
    {
        uint permissions = Octal.O(octal);
        using var dir = new TempDirectory();
        byte[] file = dir.WriteFile("file", "x");
        Posix.Chmod(file, permissions);
        FileStatus status = Posix.LStat(file);
        Assert.Equal(permissions, status.Permissions);
        Assert.Equal(FileStatus.TypeRegular | permissions, status.Mode);
    }

    [RootFact]
    public void LChown_changes_owner_of_a_file_and_of_a_symlink_itself()
    {
        using var dir = new TempDirectory();
        byte[] file = dir.WriteFile("file", "x");
        byte[] link = dir.Child("link");
        Posix.Symlink("file"u8, link);

        Posix.LChown(file, 1234, 5678);
        Assert.Equal((1234u, 5678u), (Posix.LStat(file).Uid, Posix.LStat(file).Gid));

        Posix.LChown(link, 4321, 8765);
        Assert.Equal((4321u, 8765u), (Posix.LStat(link).Uid, Posix.LStat(link).Gid));
        Assert.Equal((1234u, 5678u), (Posix.LStat(file).Uid, Posix.LStat(file).Gid));
    }

    [Fact]
    public void Exists_distinguishes_present_and_missing()
    {
        using var dir = new TempDirectory();
        Assert.True(Posix.Exists(dir.Path));
        Assert.False(Posix.Exists(dir.Child("missing")));
        Assert.False(Posix.Exists(dir.Child("missing/deeper")));
        Assert.Equal(Errno.ENOENT, Posix.TryLStat(dir.Child("missing"), out _));
    }
}
