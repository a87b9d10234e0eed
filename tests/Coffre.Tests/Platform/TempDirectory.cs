using Coffre.Platform;

namespace Coffre.Tests.Platform;

/// <summary>A fresh directory under the system temp folder, removed (with Posix calls, so any name goes) on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = UnixPath.FromString(System.IO.Path.Combine(System.IO.Path.GetTempPath(), "coffre-platform-" + Guid.NewGuid().ToString("N")));
        Posix.MakeDirectory(Path, Octal.O(700));
    }

    public byte[] Path { get; }

    public byte[] Child(string name) => UnixPath.Join(Path, UnixPath.FromString(name));

    public byte[] Child(ReadOnlySpan<byte> name) => UnixPath.Join(Path, name);

    public byte[] WriteFile(string name, string content)
    {
        byte[] path = Child(name);
        WriteFile(path, System.Text.Encoding.UTF8.GetBytes(content));
        return path;
    }

    public static void WriteFile(byte[] path, byte[] content)
    {
        using var handle = Posix.CreateFile(path, Octal.O(644), exclusive: true);
        RandomAccess.Write(handle, content, 0);
    }

    public void Dispose() => RemoveAll(Path);

    private static void RemoveAll(byte[] path)
    {
        if (Posix.TryLStat(path, out FileStatus status) != 0)
        {
            return;
        }
        if (!status.IsDirectory)
        {
            Posix.Unlink(path);
            return;
        }
        Posix.Chmod(path, Octal.O(700));
        foreach (byte[] name in Posix.ReadDirectory(path))
        {
            RemoveAll(UnixPath.Join(path, name));
        }
        Posix.RemoveDirectory(path);
    }
}
