using System.Security.Cryptography;
using Coffre.Platform;

namespace Coffre.IntegrationTests.Restore;

/// <summary>
/// Everything under a folder except some subfolders (the repository, the restore target), with type, mode and
/// content hash, symlinks not followed: equal before and after a restore when the restore changed nothing there.
/// The run journal coffre keeps beside (logs/) changes with every run and is left out.
/// </summary>
internal static class Outside
{
    public static List<string> State(string root, params string[] except)
    {
        var skip = except.Select(e => Path.GetFullPath(e).TrimEnd('/')).ToHashSet(StringComparer.Ordinal);
        var lines = new List<string>();
        Walk(root, skip, lines);
        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    private static void Walk(string dir, HashSet<string> skip, List<string> lines)
    {
        foreach (var path in Directory.EnumerateFileSystemEntries(dir))
        {
            if (skip.Contains(path) || Path.GetFileName(path) == "logs") continue;
            var st = Posix.LStat(UnixPath.FromString(path));
            var what = st.IsSymlink ? "link " + File.ResolveLinkTarget(path, false)?.ToString()
                : st.IsDirectory ? "dir"
                : "file " + Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
            lines.Add($"{path} {Convert.ToString(st.Mode, 8)} {what}");
            if (st.IsDirectory) Walk(path, skip, lines);
        }
    }
}
