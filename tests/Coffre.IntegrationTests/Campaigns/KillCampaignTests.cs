using System.Diagnostics;
using System.Text.Json;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.Platform;
using Coffre.Tests.Fuzz;
using Xunit.Abstractions;

namespace Coffre.IntegrationTests.Campaigns;

/// <summary>
/// Campaign 3 of issue 10 (docs/campaigns.md): the real <c>coffre</c> binary killed with SIGKILL at random moments
/// (50 at scale 1) of backup, prune, forget, key rotate-master and restore. After each kill restic 0.14's
/// <c>check --read-data</c> accepts the repository, every snapshot that was complete before is still there (forget:
/// every snapshot its policy keeps), and running the same command again finishes (a restore then equals its source).
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class KillCampaignTests(ITestOutputHelper output) : IDisposable
{
    private const int KillsAtScaleOne = 50;
    private const int SigKill = 9;
    private const int Seed = 20261207;

    private static readonly string[] Commands = ["backup", "prune", "forget", "rotate-master", "restore"];

    private readonly TestDirectory _dir = new("kills");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Every_killed_command_leaves_a_repository_restic_accepts_loses_no_snapshot_and_finishes_when_run_again()
    {
        var rng = new Random(Seed);
        var kills = CampaignScale.Of(KillsAtScaleOne);
        var setups = Commands.ToDictionary(c => c, CreateSetup);
        // How long an unkilled run of each command took last (the kill lands uniformly within it).
        var duration = Commands.ToDictionary(c => c, _ => TimeSpan.FromSeconds(2));
        var problems = new List<string>();
        int midway = 0, held = 0;
        var started = Stopwatch.StartNew();

        for (var i = 0; i < kills; i++)
        {
            var command = Commands[i % Commands.Length];
            var s = setups[command];
            var args = s.Prepare(i);
            var required = Required(s, command);
            var delay = TimeSpan.FromMilliseconds(rng.NextDouble() * duration[command].TotalMilliseconds);
            var what = $"kill {i}: {command} after {delay.TotalMilliseconds:F0} ms";

            bool running;
            using (var process = s.Coffre.Start(args))
            {
                Thread.Sleep(delay);
                running = !process.HasExited;
                if (running) LibC.kill(process.Id, SigKill);
                process.Wait(TimeSpan.FromMinutes(2));
            }
            if (running) midway++;

            var before = problems.Count;
            var check = s.Restic.Run("--no-lock", "check", "--read-data");
            if (check.ExitCode != 0 || !check.StdOut.Contains("no errors were found", StringComparison.Ordinal))
                problems.Add($"{what}: restic check --read-data fails: {Tail(check.StdOut + check.StdErr)}");
            var present = SnapshotKeys(s.Restic);
            var lost = required.Except(present).ToList();
            if (lost.Count > 0) problems.Add($"{what}: {lost.Count} complete snapshot(s) lost: {string.Join(", ", lost)}");

            var rerunArgs = command == "restore" ? [.. args, "--overwrite"] : args;
            var clock = Stopwatch.StartNew();
            var rerun = s.Coffre.Run(TimeSpan.FromMinutes(5), rerunArgs);
            duration[command] = clock.Elapsed;
            if (rerun.ExitCode != 0) problems.Add($"{what}: the rerun fails (exit {rerun.ExitCode}): {Tail(rerun.StdErr)}");
            else if (command == "restore")
            {
                var differences = TreeComparer.Compare(s.Source.Root, Restored.PathOf(s.RestoreTarget!, s.Source.Root));
                if (differences.Count > 0) problems.Add($"{what}: the rerun restore differs from the source: {string.Join("; ", differences.Take(3))}");
            }
            if (problems.Count == before) held++;
        }

        foreach (var (command, s) in setups)
        {
            // A killed process leaves its lock (restic's own do too); coffre unlock must see it is stale (same host,
            // process gone), then restic, taking its own exclusive lock, accepts every repository.
            var unlock = s.Coffre.Run("unlock");
            if (unlock.ExitCode != 0) problems.Add($"{command} repository at the end: coffre unlock fails: {Tail(unlock.StdErr)}");
            var check = s.Restic.Run("check", "--read-data");
            if (check.ExitCode != 0) problems.Add($"{command} repository at the end: restic check --read-data fails: {Tail(check.StdOut + check.StdErr)}");
        }

        var summary = $"{held}/{kills} kills held ({midway} landed while the command ran), {started.Elapsed.TotalSeconds:F0} s";
        output.WriteLine($"kill -9 campaign: {summary}");
        Assert.True(problems.Count == 0, $"{problems.Count} problems ({summary}):\n" + string.Join("\n", problems.Take(30)));
        Assert.True(midway >= kills / 2, $"most kills came after the command had finished: {summary}");
    }

    /// <summary>The snapshots (time and tree, stable across a master-key rotation) that must survive the kill.</summary>
    private static HashSet<string> Required(Setup s, string command)
    {
        var all = SnapshotKeys(s.Restic);
        // forget --keep-last 2: only the two newest must stay.
        return command == "forget" ? [.. all.Order(StringComparer.Ordinal).TakeLast(2)] : all;
    }

    private static HashSet<string> SnapshotKeys(ResticRunner restic)
    {
        var r = restic.Run("--no-lock", "snapshots", "--json");
        if (r.ExitCode != 0) return [$"(restic snapshots fails: {Tail(r.StdErr)})"];
        using var doc = JsonDocument.Parse(r.StdOut);
        return [.. doc.RootElement.EnumerateArray().Select(e => $"{e.GetProperty("time").GetString()} {e.GetProperty("tree").GetString()![..8]}")];
    }

    private static string Tail(string text) => string.Join(" | ", text.Trim().Split('\n').TakeLast(4));

    private sealed class Setup(CoffreRunner coffre, ResticRunner restic, GeneratedTree source)
    {
        public CoffreRunner Coffre => coffre;
        public ResticRunner Restic => restic;
        public GeneratedTree Source => source;
        /// <summary>Readies the repository for kill i and gives the command's arguments.</summary>
        public Func<int, string[]> Prepare { get; set; } = _ => [];
        public string? RestoreTarget { get; set; }
    }

    private Setup CreateSetup(string command)
    {
        var repo = _dir.Sub($"repo-{command}");
        var coffre = new CoffreRunner(repo);
        var restic = new ResticRunner(repo);
        coffre.Init();
        var src = _dir.Sub($"src-{command}");
        var tree = TreeGenerator.CreateRandomFiles(UnixPath.FromString(src), seed: command.Length, 3 << 20, 3 << 20, 2 << 20, 200_000, 5_000);
        coffre.Backup(tree.RootText);
        var extra = 0;

        // A new file of random data, then a restic backup (fast): more snapshots, and data that forget makes unused.
        // The killed process's lock is still there (restic's would be too): coffre unlock must find it stale first.
        void AddSnapshot()
        {
            coffre.Ok("unlock");
            RawFiles.WriteRandom(UnixPath.Join(tree.Root, RawFiles.B($"extra-{extra}.bin")), 1 << 20, 1000 + extra);
            extra++;
            restic.Ok("backup", "--quiet", tree.RootText);
        }

        var setup = new Setup(coffre, restic, tree);
        setup.Prepare = command switch
        {
            "backup" => i =>
            {
                RawFiles.WriteRandom(UnixPath.Join(tree.Root, RawFiles.B($"new-{i}.bin")), 6 << 20, i);
                return ["backup", tree.RootText];
            },
            "prune" => _ =>
            {
                AddSnapshot();
                AddSnapshot();
                restic.Ok("forget", "--keep-last", "1");
                return ["prune"];
            },
            "forget" => _ =>
            {
                AddSnapshot();
                AddSnapshot();
                return ["forget", "--keep-last", "2"];
            },
            "rotate-master" => _ => ["key", "rotate-master"],
            "restore" => i =>
            {
                setup.RestoreTarget = _dir.Sub($"restore-{i}");
                return ["restore", "latest", "--target", setup.RestoreTarget];
            },
            _ => throw new ArgumentOutOfRangeException(nameof(command)),
        };
        return setup;
    }
}
