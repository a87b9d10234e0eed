using System.Security.Cryptography;
using Coffre.IntegrationTests.Infrastructure;

namespace Coffre.IntegrationTests.Recovery;

/// <summary>What a recovery test compares: every file of a folder by content, and a SQLite database's row counts.</summary>
internal static class RecoveryFiles
{
    /// <summary>Relative path → SHA-256 of every regular file under <paramref name="root"/>, folders left out by <paramref name="skip"/>.</summary>
    public static SortedDictionary<string, string> Hashes(string root, params string[] skip)
    {
        var hashes = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(root, file);
            if (skip.Any(s => relative.StartsWith(s + "/", StringComparison.Ordinal))) continue;
            hashes[relative] = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file)));
        }
        return hashes;
    }

    /// <summary>Table → rows of a SQLite file, read by python3's sqlite3 (not by Coffre).</summary>
    public static string SqliteCounts(string file)
    {
        var r = ProcessRunner.Run("/usr/bin/python3", ["-c",
            "import sqlite3,sys; c=sqlite3.connect('file:'+sys.argv[1]+'?mode=ro', uri=True); "
            + "print(c.execute('pragma integrity_check').fetchone()[0]); "
            + "[print(t, c.execute('select count(*) from \"%s\"' % t).fetchone()[0]) for (t,) in c.execute(\"select name from sqlite_master where type='table' order by name\")]",
            file], new Dictionary<string, string?>());
        Assert.True(r.ExitCode == 0, r.Describe());
        return r.StdOut;
    }

    public static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var dir in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
    }

    public static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Coffre.slnx"))) return d.FullName;
        throw new InvalidOperationException("Coffre.slnx not found above " + AppContext.BaseDirectory);
    }
}
