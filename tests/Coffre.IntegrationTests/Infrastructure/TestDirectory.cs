using Coffre.Platform;

namespace Coffre.IntegrationTests.Infrastructure;

/// <summary>
/// A fresh folder under the system temp folder (traversable by every user, so a test can run coffre as
/// nobody inside it), removed on dispose with raw Posix calls so any name, mode or owner goes.
/// </summary>
internal sealed class TestDirectory : IDisposable
{
    public TestDirectory(string purpose = "it")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"coffre-{purpose}-{Guid.NewGuid():N}"[..40]);
        Posix.MakeDirectory(PathBytes, 0x1ED /* 0755 */);
        Posix.Chmod(PathBytes, 0x1ED); // whatever the umask
    }

    public string Path { get; }
    public byte[] PathBytes => UnixPath.FromString(Path);

    /// <summary>The path of a child (not created).</summary>
    public string Sub(string relative) => System.IO.Path.Combine(Path, relative);

    /// <summary>Creates a child folder (and its parents) and returns its path.</summary>
    public string CreateSub(string relative)
    {
        var p = Sub(relative);
        Directory.CreateDirectory(p);
        return p;
    }

    public void Dispose()
    {
        try { RemoveAll(PathBytes); }
        catch (PosixException)
        {
            // Deeper than PATH_MAX (a forged 2048-level tree restored through descriptors: lstat by path fails, rmdir then
            // finds the folder not empty): GNU rm walks it relative to each folder.
            using var rm = System.Diagnostics.Process.Start("rm", ["-rf", "--one-file-system", Path])!;
            rm.WaitForExit();
            if (Directory.Exists(Path)) throw;
        }
    }

    public static void RemoveAll(byte[] path)
    {
        if (Posix.TryLStat(path, out FileStatus status) != 0) return;
        if (!status.IsDirectory)
        {
            Posix.Unlink(path);
            return;
        }
        Posix.Chmod(path, 0x1C0 /* 0700 */);
        foreach (var name in Posix.ReadDirectory(path)) RemoveAll(UnixPath.Join(path, name));
        Posix.RemoveDirectory(path);
    }
}
