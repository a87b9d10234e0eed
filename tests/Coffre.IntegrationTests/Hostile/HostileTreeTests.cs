using System.Text;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.Jobs;
using Coffre.Model;
using Coffre.Storage.Local;
using Xunit.Abstractions;

namespace Coffre.IntegrationTests.Hostile;

/// <summary>
/// The hostile-repository suite: each <see cref="HostileTreeCase"/> is forged into a real repository (restic's
/// <c>check --read-data</c> finds it well-formed), then run through coffre restore (with and without --overwrite),
/// ls, export, check and the dashboard's browse, and through restic 0.14's restore, ls and check. Every run happens in
/// a fresh world W: the target is W/sentinel/target, W/x a victim file, W/elsewhere a victim folder; afterwards
/// nothing in W but the target may have changed. Coffre refuses every hostile tree (restic refuses some, or skips
/// the bad node and restores the rest), with one line naming the snapshot and the path.
/// </summary>
public class HostileTreeTests(ITestOutputHelper output)
{
    public static TheoryData<string> Cases() => [.. HostileTreeCase.All().Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_forged_tree_is_refused_by_every_command_and_nothing_is_written_outside_the_target(string name)
    {
        var c = HostileTreeCase.All().Single(x => x.Name == name);
        using var dir = new TestDirectory("hostile-" + name);
        var repoPath = dir.Sub("repo");
        string id;
        await using (var forger = await RepositoryForger.CreateAsync(repoPath))
            id = await forger.SnapshotAsync(await c.Build(forger));
        var shortId = id[..8];
        var clock = System.Diagnostics.Stopwatch.StartNew();
        void Step(string what) => output.WriteLine($"  {clock.Elapsed.TotalSeconds:F1}s {what}");
        Step("forged");
        var restic = new ResticRunner(repoPath);
        var coffre = new CoffreRunner(repoPath);

        // restic: the repository is well-formed at the pack level.
        var check = restic.Run("check", "--read-data");
        if (c.ResticCheckFlags) Assert.Contains("node with empty name", check.StdOut + check.StdErr, StringComparison.Ordinal);
        else Assert.True(check.ExitCode == 0, check.Describe());
        Assert.DoesNotContain("pack", (check.StdErr + check.StdOut).Replace("check all packs", "", StringComparison.Ordinal).Replace("load indexes", "", StringComparison.Ordinal)
            .Split('\n').Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase)), StringComparer.Ordinal);

        Step("restic check");
        // restic 0.14 on the same repository (for the record, and as the yardstick: Coffre refuses whenever restic does).
        var rRestore = InWorld(dir, "restic-restore", false, t => restic.Run("restore", id, "--target", t));
        Step("restic restore");
        var rLs = restic.Run("ls", id);
        Step("restic ls");

        var runs = new List<(string Tool, ProcessResult Result, bool Escaped)>
        {
            Wrap("coffre restore", InWorld(dir, "coffre-restore", false, t => coffre.Run("restore", id, "--target", t))),
            Wrap("coffre restore --overwrite", InWorld(dir, "coffre-overwrite", true, t => coffre.Run("restore", id, "--target", t, "--overwrite"))),
            Wrap("coffre ls", (coffre.Run("ls", id), false)),
            Wrap("coffre export", InWorld(dir, "coffre-export", false, t => coffre.Run("export", id, Path.Combine(dir.CreateSub("exports"), "out.tar.gz")))),
        };
        Step("coffre restore, ls, export");
        var cCheck = coffre.Run("check");
        Step("coffre check");
        string? browseError = null;
        var browsed = name.StartsWith("deep", StringComparison.Ordinal) ? string.Concat(Enumerable.Repeat("/d", NodeName.MaxTreeDepth + 1)) : c.Path;
        try { await BrowseAllAsync(repoPath, id, browsed); }
        catch (CoffreException e) { browseError = e.Message; }

        output.WriteLine($"| {name} | restic check {check.ExitCode} | restic ls {rLs.ExitCode} | restic restore {rRestore.Result.ExitCode}{(rRestore.Escaped ? " ESCAPED" : "")} {FirstError(rRestore.Result)} |");
        foreach (var (tool, r, escaped) in runs) output.WriteLine($"|   {tool}: exit {r.ExitCode}{(escaped ? " ESCAPED" : "")} {Cut(r.StdErrLines.LastOrDefault())}");
        output.WriteLine($"|   coffre check: exit {cCheck.ExitCode}; browse: {(browseError is null ? "ok" : Cut(browseError))}");

        foreach (var (tool, r, escaped) in runs)
        {
            Assert.False(escaped, $"{tool} wrote outside its target\n{r.Describe()}");
            Errors.AssertNoCrash(r);
        }
        Errors.AssertNoCrash(cCheck);
        if (c.Sound)
        {
            foreach (var (tool, r, _) in runs) Assert.True(r.ExitCode == 0 || name == "absurd-size", $"{tool}\n{r.Describe()}");
            if (name == "sound")
            {
                Assert.Equal(0, cCheck.ExitCode);
                Assert.Null(browseError);
                Assert.False(rRestore.Escaped); // a symlink may point out; restic and Coffre restore it as a link, nothing is written through it
            }
            return;
        }
        // Coffre refuses whenever restic refuses; here it refuses every case, with one line naming snapshot and path.
        foreach (var (tool, r, _) in runs)
        {
            // Restoring a forged deep tree, the path outgrows PATH_MAX (4096 bytes) before the depth limit: mkdir says so.
            if (name.StartsWith("deep", StringComparison.Ordinal) && tool.StartsWith("coffre restore", StringComparison.Ordinal)
                && Errors.AssertOneLine(r, 1).Contains("File name too long", StringComparison.Ordinal))
                continue;
            var line = Errors.AssertOneLine(r, 1, c.Error);
            Assert.True(line.Contains($"snapshot {shortId}: {c.Path}", StringComparison.Ordinal), $"{tool} should name the snapshot and {c.Path}\n{r.Describe()}");
        }
        Assert.True(cCheck.ExitCode != 0, cCheck.Describe());
        Assert.Contains(c.Error, cCheck.StdOut + cCheck.StdErr, StringComparison.Ordinal);
        Assert.NotNull(browseError);
        Assert.Contains($"snapshot {shortId}: {c.Path}", browseError, StringComparison.Ordinal);
        Assert.Contains(c.Error, browseError, StringComparison.Ordinal);
    }

    private static (string, ProcessResult, bool) Wrap(string tool, (ProcessResult Result, bool Escaped) run) => (tool, run.Result, run.Escaped);

    private static string FirstError(ProcessResult r) => Cut(r.StdErrLines.FirstOrDefault(l => l.Length > 0) ?? "");

    private static string Cut(string? line) => line is null ? "" : line.Length > 300 ? line[..150] + " ... " + line[^150..] : line;

    /// <summary>Browses the root, then the folder of the case (for the deep case, a path one level deeper than allowed), as the dashboard would.</summary>
    private static async Task BrowseAllAsync(string repoPath, string id, string path)
    {
        var repo = await Coffre.Repository.Repository.OpenAsync(new LocalBackend(repoPath), Encoding.UTF8.GetBytes(TestPasswords.Default), CancellationToken.None);
        await repo.LoadIndexAsync(CancellationToken.None);
        var entry = await repo.FindSnapshotAsync(id, CancellationToken.None);
        await BackupManager.BrowseAsync(repo, entry, "/", CancellationToken.None);
        await BackupManager.BrowseAsync(repo, entry, path, CancellationToken.None);
    }

    /// <summary>
    /// Runs <paramref name="run"/> with a restore target W/sentinel/target in a fresh world W (W/x, W/elsewhere/keep;
    /// with <paramref name="prefill"/> the target already holds a file) and says whether anything in W outside the
    /// target changed.
    /// </summary>
    private static (ProcessResult Result, bool Escaped) InWorld(TestDirectory dir, string label, bool prefill, Func<string, ProcessResult> run)
    {
        var world = dir.CreateSub("world-" + label);
        File.WriteAllText(Path.Combine(world, "x"), "victim\n");
        Directory.CreateDirectory(Path.Combine(world, "elsewhere"));
        File.WriteAllText(Path.Combine(world, "elsewhere", "keep"), "keep\n");
        var target = Path.Combine(world, "sentinel", "target");
        Directory.CreateDirectory(Path.Combine(world, "sentinel"));
        if (prefill)
        {
            Directory.CreateDirectory(target);
            File.WriteAllText(Path.Combine(target, "old"), "old\n");
        }
        var before = Snapshot(world, target);
        var result = run(target);
        return (result, Snapshot(world, target) != before);
    }

    /// <summary>Every path under <paramref name="world"/> but the target's content: type, mode, size, content, link target.</summary>
    private static string Snapshot(string world, string target)
    {
        var sb = new StringBuilder();
        // Walked by hand so the walk never enters the target (a forged tree may have made it deeper than PATH_MAX).
        var paths = new List<string>();
        var pending = new Stack<string>([world]);
        while (pending.Count > 0)
        {
            foreach (var child in Directory.EnumerateFileSystemEntries(pending.Pop(), "*", new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = false }))
            {
                if (child == target) continue;
                paths.Add(child);
                if (Directory.Exists(child) && new FileInfo(child).LinkTarget is null) pending.Push(child);
            }
        }
        foreach (var p in paths.Order(StringComparer.Ordinal))
        {
            var info = new FileInfo(p);
            sb.Append(p).Append(' ').Append(info.Attributes).Append(' ').Append(info.UnixFileMode).Append(' ').Append(info.LinkTarget);
            if (info.Exists && info.LinkTarget is null) sb.Append(' ').Append(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(p))));
            sb.Append('\n');
        }
        return sb.ToString();
    }
}
