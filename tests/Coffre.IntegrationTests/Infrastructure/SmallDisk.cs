namespace Coffre.IntegrationTests.Infrastructure;

/// <summary>
/// A tiny file system mounted on a folder, to fill up on purpose: a tmpfs when mounting is permitted, else an
/// ext4 image on a loop device. Unmounted on dispose.
/// </summary>
internal sealed class SmallDisk : IDisposable
{
    private readonly string? _image;

    private SmallDisk(string mountPoint, string kind, string? image)
    {
        MountPoint = mountPoint;
        Kind = kind;
        _image = image;
    }

    public string MountPoint { get; }
    public string Kind { get; }

    /// <summary>Mounts a file system of <paramref name="megabytes"/> MiB on <paramref name="mountPoint"/> (created if needed), or returns null and why not.</summary>
    public static SmallDisk? TryMount(string mountPoint, int megabytes, out string whyNot)
    {
        Directory.CreateDirectory(mountPoint);
        var tmpfs = Run("mount", "-t", "tmpfs", "-o", $"size={megabytes}m,mode=0755", "tmpfs", mountPoint);
        if (tmpfs.ExitCode == 0)
        {
            whyNot = "";
            return new SmallDisk(mountPoint, "tmpfs", null);
        }
        var image = mountPoint.TrimEnd('/') + ".img";
        var steps = new[]
        {
            Run("truncate", "-s", $"{megabytes}M", image),
            Run("mkfs.ext4", "-q", "-F", "-m", "0", image),
            Run("mount", "-o", "loop", image, mountPoint),
        };
        var failed = steps.FirstOrDefault(s => s.ExitCode != 0);
        if (failed is null)
        {
            whyNot = "";
            return new SmallDisk(mountPoint, "loop ext4", image);
        }
        try { File.Delete(image); } catch (IOException) { }
        whyNot = $"cannot mount a small file system: tmpfs: {tmpfs.StdErr.Trim()}; loop device: {failed.Command}: {failed.StdErr.Trim()}";
        return null;
    }

    public void Dispose()
    {
        if (Run("umount", MountPoint).ExitCode != 0) Run("umount", "-l", MountPoint);
        if (_image is not null) try { File.Delete(_image); } catch (IOException) { }
    }

    private static ProcessResult Run(string command, params string[] args)
    {
        try { return ProcessRunner.Run(command, args, new Dictionary<string, string?>(), TimeSpan.FromMinutes(1)); }
        catch (System.ComponentModel.Win32Exception e) { return new ProcessResult(command, 127, "", e.Message); }
    }

    /// <summary>Whether a small file system can be mounted here (probed once), and if not, why.</summary>
    public static readonly Lazy<string?> Unavailable = new(() =>
    {
        using var dir = new TestDirectory("probe");
        using var disk = TryMount(dir.Sub("mnt"), 1, out var whyNot);
        return disk is null ? whyNot : null;
    });
}

/// <summary>
/// A fact that needs <see cref="SmallDisk"/>. Where no small file system can be mounted it is skipped with the
/// reason, except in CI (CI=true), where it runs and fails: CI must not skip silently.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class SmallDiskFactAttribute : FactAttribute
{
    public SmallDiskFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("CI") == "true") return;
        if (SmallDisk.Unavailable.Value is { } why) Skip = $"needs a small tmpfs or loop device (run as root, or set CI=true to make this a failure): {why}";
    }
}
