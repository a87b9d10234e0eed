using System.Globalization;
using System.Text.RegularExpressions;
using Coffre.Platform;

namespace Coffre.Sources.Sqlite;

/// <summary>
/// Where a SQLite dump is copied before it is read into the repository: a plaintext copy of the database, so never
/// inside the repository (whose files are all encrypted) and never readable by anyone else. Each dump gets its own
/// folder, <c>coffre-dump-PID.START-RANDOM</c> (mode 0700, under <c>$TMPDIR</c> unless told otherwise), removed as soon
/// as the copy is open; a process that dies mid-copy leaves its folder behind, and the next dump of any Coffre
/// process of this user removes every such folder whose process (PID and start time) is gone.
/// </summary>
internal static partial class SqliteStaging
{
    private const string Prefix = "coffre-dump-";

    /// <summary>Staged copies of older versions, which staged in the repository's <c>data/</c> folder.</summary>
    public const string LegacyPattern = ".coffre-sqlite-*";

    /// <summary>A new private folder under <paramref name="parent"/>, after removing what dead processes left there.</summary>
    public static string CreateFolder(string parent)
    {
        if (!Directory.Exists(parent)) throw new DirectoryNotFoundException($"{parent} does not exist");
        RemoveLeftovers(parent);
        // A new name nobody can guess (96 random bits), made 0700; checked afterwards to be a real folder of ours.
        var random = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12));
        var path = Path.Combine(Path.GetFullPath(parent), $"{Prefix}{Environment.ProcessId}.{StartTime(Environment.ProcessId)}-{random}");
        const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        if (Directory.Exists(path) || File.Exists(path)) throw new IOException($"{path} already exists");
        Directory.CreateDirectory(path, Private);
        if (!IsOwnRealFolder(path)) throw new IOException($"{path} is not a folder of this user");
        File.SetUnixFileMode(path, Private);
        return path;
    }

    /// <summary>Removes the staging folders under <paramref name="parent"/> of processes that are gone; returns how many.</summary>
    public static int RemoveLeftovers(string parent)
    {
        if (!Directory.Exists(parent)) return 0;
        var removed = 0;
        foreach (var dir in Directory.EnumerateDirectories(parent, Prefix + "*"))
        {
            var m = FolderName().Match(Path.GetFileName(dir));
            if (!m.Success || !int.TryParse(m.Groups["pid"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            if (Posix.IsProcessAlive(pid) && StartTime(pid) == m.Groups["start"].Value) continue; // still running
            if (!IsOwnRealFolder(dir)) continue;
            try
            {
                Directory.Delete(dir, recursive: true);
                removed++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        return removed;
    }

    /// <summary>Removes the staged copies an older Coffre left in a local repository's <c>data/</c> folder; returns how many.</summary>
    public static int RemoveLegacyLeftovers(string repositoryDataFolder)
    {
        if (!Directory.Exists(repositoryDataFolder)) return 0;
        var removed = 0;
        foreach (var file in Directory.EnumerateFiles(repositoryDataFolder, LegacyPattern))
        {
            try
            {
                File.Delete(file);
                removed++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        return removed;
    }

    /// <summary>A folder (not a link to one) owned by this user: only those are removed.</summary>
    private static bool IsOwnRealFolder(string path)
    {
        try
        {
            var info = new DirectoryInfo(path);
            if (info.LinkTarget is not null) return false;
            return Posix.LStat(UnixPath.FromString(path)).Uid == Posix.EffectiveUserId;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or PosixException)
        {
            return false;
        }
    }

    /// <summary>The process's start time (clock ticks since boot, /proc/PID/stat field 22): with the PID, it names one process.</summary>
    private static string StartTime(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return fields.Length > 19 ? fields[19] : "0";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "0";
        }
    }

    [GeneratedRegex(@"^coffre-dump-(?<pid>\d{1,10})\.(?<start>\d{1,20})-")]
    private static partial Regex FolderName();
}
