using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.Platform;
using Coffre.Tests.Fuzz;
using Xunit.Abstractions;

namespace Coffre.IntegrationTests.Campaigns;

/// <summary>
/// Campaign 4 of issue 10 (docs/campaigns.md): backups, prunes, forgets and checks from separate processes, each in
/// a loop, on one repository (60 s at scale 1). Nothing is lost: every backup that reported success and that no
/// forget was allowed to remove is still there and restores its files exactly; a check never finds damage; at the
/// end no lock is left and restic 0.14's <c>check --read-data</c> passes. A command may wait for or refuse a lock
/// (exit 11); nothing else.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class ConcurrencyCampaignTests(ITestOutputHelper output) : IDisposable
{
    private const int SecondsAtScaleOne = 60;
    private const int Locked = 11;

    private readonly TestDirectory _dir = new("concurrency");

    public void Dispose() => _dir.Dispose();

    private sealed record KeptBackup(string SnapshotId, Dictionary<string, string> Files);

    [Fact]
    public async Task Concurrent_backups_prunes_forgets_and_checks_lose_nothing()
    {
        var repo = _dir.Sub("repo");
        var coffre = new CoffreRunner(repo);
        coffre.Init();
        var keepSource = _dir.CreateSub("keep");
        var scratchSource = _dir.CreateSub("scratch");
        var until = Stopwatch.StartNew();
        var length = TimeSpan.FromSeconds(SecondsAtScaleOne * CampaignScale.Factor);
        var problems = new ConcurrentQueue<string>();
        var kept = new ConcurrentQueue<KeptBackup>();
        var counts = new ConcurrentDictionary<string, int>();

        void Count(string what) => counts.AddOrUpdate(what, 1, (_, n) => n + 1);

        // Accepts success and "locked"; anything else is a problem. Returns the result when it succeeded.
        ProcessResult? Step(string loop, params string[] args)
        {
            var r = coffre.Run(TimeSpan.FromMinutes(5), args);
            if (r.ExitCode == 0) Count($"{loop} ok");
            else if (r.ExitCode == Locked) Count($"{loop} locked");
            else problems.Enqueue($"{loop}: exit {r.ExitCode}: {r.StdErr.Trim().Split('\n').LastOrDefault()}");
            return r.ExitCode == 0 ? r : null;
        }

        // Backups tagged "keep" (never forgotten): each adds a file and keeps its content list.
        var keepLoop = Task.Run(() =>
        {
            var files = new Dictionary<string, string>();
            for (var i = 0; until.Elapsed < length; i++)
            {
                var name = $"iter-{i:D3}.bin";
                var path = UnixPath.Join(UnixPath.FromString(keepSource), RawFiles.B(name));
                RawFiles.WriteRandom(path, 300_000 + i * 1000, i);
                files[name] = RawFiles.Sha256(path);
                if (Step("backup keep", "backup", keepSource, "--tag", "keep", "--json") is { } r)
                {
                    using var doc = JsonDocument.Parse(r.StdOut);
                    kept.Enqueue(new KeptBackup(doc.RootElement.GetProperty("snapshot_id").GetString()!, new(files)));
                }
                Thread.Sleep(1000); // a pause, as between scheduled runs: the exclusive commands get their turn
            }
        });
        // Backups tagged "scratch", forgotten and pruned while the others run.
        var scratchLoop = Task.Run(() =>
        {
            for (var i = 0; until.Elapsed < length; i++)
            {
                RawFiles.WriteRandom(UnixPath.Join(UnixPath.FromString(scratchSource), RawFiles.B("data.bin")), 2 << 20, 5000 + i);
                Step("backup scratch", "backup", scratchSource, "--tag", "scratch");
                Thread.Sleep(1500);
            }
        });
        var forgetLoop = Task.Run(() =>
        {
            while (until.Elapsed < length)
            {
                Step("forget", "forget", "--tag", "scratch", "--keep-last", "1");
                Thread.Sleep(500);
            }
        });
        var pruneLoop = Task.Run(() =>
        {
            while (until.Elapsed < length) Step("prune", "prune");
        });
        var checkLoop = Task.Run(() =>
        {
            while (until.Elapsed < length)
            {
                Step("check", "check");
                Thread.Sleep(2000);
            }
        });
        await Task.WhenAll(keepLoop, scratchLoop, forgetLoop, pruneLoop, checkLoop);

        Assert.Empty(RepoInspector.Locks(repo));
        var check = new ResticRunner(repo).Run("check", "--read-data");
        if (check.ExitCode != 0) problems.Enqueue($"restic check --read-data fails at the end: {check.StdOut.Trim().Split('\n').Last()} {check.StdErr.Trim()}");
        var present = coffre.Snapshots().Select(s => s.GetProperty("id").GetString()!).ToHashSet();
        foreach (var k in kept)
            if (!present.Contains(k.SnapshotId)) problems.Enqueue($"snapshot {k.SnapshotId[..8]} (backup keep, reported saved) is gone");
        if (kept.LastOrDefault() is { } last)
        {
            var target = _dir.Sub("restore");
            var r = coffre.Run("restore", last.SnapshotId, "--target", target);
            if (r.ExitCode != 0) problems.Enqueue($"restore of the last kept snapshot fails: {r.StdErr.Trim()}");
            foreach (var (name, hash) in last.Files)
            {
                var restored = Restored.PathOf(target, UnixPath.Join(UnixPath.FromString(keepSource), RawFiles.B(name)));
                if (!File.Exists(UnixPath.ToDisplay(restored)) || RawFiles.Sha256(restored) != hash) problems.Enqueue($"{name} not restored intact from the last kept snapshot");
            }
        }

        var summary = string.Join(", ", counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} {c.Value}")) + $"; {kept.Count} kept snapshots, {until.Elapsed.TotalSeconds:F0} s";
        output.WriteLine($"concurrency campaign: {summary}");
        Assert.True(problems.IsEmpty, $"{problems.Count} problems ({summary}):\n" + string.Join("\n", problems.Take(30)));
        Assert.True(counts.GetValueOrDefault("backup keep ok") > 0 && counts.GetValueOrDefault("prune ok") > 0 && counts.GetValueOrDefault("forget ok") > 0,
            $"some loop never succeeded: {summary}");
    }
}
