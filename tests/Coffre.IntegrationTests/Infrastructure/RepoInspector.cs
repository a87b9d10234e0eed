using System.Text.Json;

namespace Coffre.IntegrationTests.Infrastructure;

/// <summary>Looks at a repository folder from outside (file names only, or the JSON coffre cat prints).</summary>
internal static class RepoInspector
{
    /// <summary>Every file below the repository whose name marks an unfinished write.</summary>
    public static List<string> TempFiles(string repository) =>
        [.. Directory.EnumerateFiles(repository, "*", SearchOption.AllDirectories).Where(f => Path.GetFileName(f).Contains("-tmp-", StringComparison.Ordinal))];

    /// <summary>
    /// Files that are not named by a SHA-256 (64 lowercase hex) apart from <c>config</c>: after any run, finished
    /// or interrupted, there must be none.
    /// </summary>
    public static List<string> BadlyNamedFiles(string repository) =>
        [.. Directory.EnumerateFiles(repository, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetRelativePath(repository, f) != "config" && !IsId(Path.GetFileName(f)))];

    public static List<string> Names(string repository, string folder) =>
        Directory.Exists(Path.Combine(repository, folder))
            ? [.. Directory.EnumerateFiles(Path.Combine(repository, folder), "*", SearchOption.AllDirectories).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal)]
            : [];

    public static List<string> Snapshots(string repository) => Names(repository, "snapshots");
    public static List<string> Indexes(string repository) => Names(repository, "index");
    public static List<string> Packs(string repository) => Names(repository, "data");
    public static List<string> Locks(string repository) => Names(repository, "locks");

    public static string PackPath(string repository, string pack) => Path.Combine(repository, "data", pack[..2], pack);

    /// <summary>pack ID -> the types of blob it holds ("data" or "tree"), from every index file (via coffre cat index).</summary>
    public static Dictionary<string, string> PackTypes(CoffreRunner coffre, string repository)
    {
        var result = new Dictionary<string, string>();
        foreach (var index in Indexes(repository))
        {
            var r = coffre.Ok("cat", "index", index);
            using var doc = JsonDocument.Parse(r.StdOut);
            foreach (var pack in doc.RootElement.GetProperty("packs").EnumerateArray())
            {
                var types = pack.GetProperty("blobs").EnumerateArray().Select(b => b.GetProperty("type").GetString()!).Distinct().Order();
                result[pack.GetProperty("id").GetString()!] = string.Join(",", types);
            }
        }
        return result;
    }

    /// <summary>Asserts nothing half-written is left: no temp files, only SHA-256-named objects and config.</summary>
    public static void AssertNoPartialObjects(string repository)
    {
        var temp = TempFiles(repository);
        Assert.True(temp.Count == 0, "temp files left in the repository:\n" + string.Join("\n", temp));
        var bad = BadlyNamedFiles(repository);
        Assert.True(bad.Count == 0, "files not named by their SHA-256 left in the repository:\n" + string.Join("\n", bad));
    }

    private static bool IsId(string name) => name.Length == 64 && name.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');
}
