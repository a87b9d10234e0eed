using System.Text;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.Model;
using Coffre.Model.Json;
using Coffre.Storage;
using Coffre.Storage.Local;

namespace Coffre.IntegrationTests.Maintenance;

/// <summary>
/// One repository with ~500 snapshots at chosen times, shared by the retention comparisons. Each host holds one group
/// (either application snapshots or one set of paths), so restic's <c>--group-by host</c> forms the same groups as
/// Coffre. The times cover: irregular backups over two years at Paris offsets (with a future one), year and month
/// ends, identical timestamps, nanosecond differences, both 02:30s of a DST fall-back, offsets no test zone has
/// (fixed zones for Go) and <c>Z</c>, windows that end across DST changes in Paris, New York and Lord Howe, and
/// snapshots written by restic itself with <c>--time</c>.
/// </summary>
public sealed class RetentionOracleRepository : IAsyncLifetime, IDisposable
{
    private readonly TestDirectory _dir = new("forget-oracle");
    private readonly List<Snapshot> _snapshots = [];
    private BlobId _tree;

    public string Path => _dir.Sub("repo");

    public int Count { get; private set; }

    public async Task InitializeAsync()
    {
        var coffre = new CoffreRunner(Path);
        coffre.Init();
        var src = _dir.CreateSub("src");
        File.WriteAllText(System.IO.Path.Combine(src, "file.txt"), "retention oracle\n");
        coffre.Backup(src, "--host", "seed");
        _tree = BlobId.Parse(coffre.Snapshots()[0].GetProperty("tree").GetString()!);

        var paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
        var random = new Random(20240601);

        // web1: about two years of irregular backups at Paris local offsets, some of them safety snapshots.
        var t = new DateTimeOffset(2019, 11, 20, 9, 0, 0, TimeSpan.Zero);
        while (t.Year < 2022)
        {
            var tags = random.Next(10) == 0 ? new[] { "coffre", "app:shop", "pre-restore" } : ["coffre", "app:shop"];
            Add("web1", TimeZoneInfo.ConvertTime(t, paris), tags);
            t = t.AddMinutes(random.Next(60, 6 * 24 * 60));
        }
        foreach (var s in new[]
                 {
                     "2020-12-31T23:30:00+01:00", "2021-01-01T00:30:00+01:00", "2020-12-31T22:59:59Z", "2021-01-03T23:59:00+01:00",
                     "2021-01-31T23:59:59+01:00", "2021-02-01T00:00:00+01:00", "2021-02-28T23:00:00+01:00", "2021-03-01T00:00:00+01:00",
                     "2021-06-15T10:00:00+02:00", "2021-06-15T10:00:00+02:00", "2021-06-15T10:00:00+02:00",
                     "2021-05-05T05:05:05.123456789+02:00", "2021-05-05T05:05:05.123456788+02:00",
                     "2021-03-28T01:59:59+01:00", "2021-03-28T03:00:00+02:00",
                     "2021-10-31T01:59:59+02:00", "2021-10-31T02:30:00+02:00", "2021-10-31T02:30:00+01:00", "2021-10-31T03:00:00+01:00",
                     "2099-01-01T00:00:00+01:00",
                 })
            Add("web1", s, ["coffre", "app:shop"]);

        // web2: offsets that only some test zones have at that time (fixed zones for Go otherwise), and Z.
        string[] offsets = ["+05:30", "-08:00", "Z", "+01:00", "+02:00", "+10:30", "+11:00", "-05:00", "-04:00"];
        t = new DateTimeOffset(2021, 1, 1, 0, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < 60; i++)
        {
            var o = offsets[random.Next(offsets.Length)];
            var offset = o == "Z" ? TimeSpan.Zero : TimeSpan.Parse(o.TrimStart('+'), System.Globalization.CultureInfo.InvariantCulture);
            Add("web2", t.ToOffset(offset), ["coffre", "app:shop"]);
            t = t.AddMinutes(random.Next(30, 4 * 24 * 60));
        }

        // Windows that end across DST changes: the newest snapshot, then snapshots every 15 or 30 minutes around
        // the cut-off of 7d, 1m, 1y2m3d4h and 3d12h.
        Window("dst-paris-spring", "2021-04-02T12:00:00+02:00", ("2021-03-26T10:00:00+01:00", 16, 15), ("2021-03-02T11:00:00+01:00", 8, 15),
            ("2020-01-30T07:00:00+01:00", 8, 15), ("2021-03-29T23:00:00+02:00", 8, 15));
        Window("dst-paris-fall", "2021-11-03T12:00:00+01:00", ("2021-10-27T10:00:00+02:00", 16, 15), ("2021-10-03T11:00:00+02:00", 8, 15));
        Window("dst-new-york", "2021-03-17T12:00:00-04:00", ("2021-03-10T10:00:00-05:00", 16, 15), ("2021-02-17T11:00:00-05:00", 8, 15));
        // London: +01:00 in summer is Local there; a winter newest is written Z, which Go reads as UTC, not Local.
        Window("dst-london-spring", "2021-04-02T12:00:00+01:00", ("2021-03-26T10:00:00Z", 16, 15));
        Window("dst-london-fall", "2021-11-03T12:00:00Z", ("2021-10-27T10:00:00+01:00", 16, 15));
        Window("dst-lord-howe", "2021-04-06T12:00:00+10:30", ("2021-03-30T10:00:00+11:00", 16, 15), ("2021-03-06T11:00:00+11:00", 8, 15));

        // files-host: snapshots without tags, grouped by paths.
        t = new DateTimeOffset(2021, 2, 1, 0, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < 40; i++)
        {
            Add("files-host", TimeZoneInfo.ConvertTime(t, paris), null, "/srv/files");
            t = t.AddMinutes(random.Next(30, 5 * 24 * 60));
        }

        var repo = await Coffre.Repository.Repository.OpenAsync(new LocalBackend(Path), Encoding.UTF8.GetBytes(TestPasswords.Default), CancellationToken.None);
        await Parallel.ForEachAsync(_snapshots, new ParallelOptions { MaxDegreeOfParallelism = 2 }, async (s, ct) =>
            await repo.SaveJsonAsync(FileType.Snapshot, SnapshotJson.Serialize(s), ct));

        // restic-written: times restic parsed itself (--time in Paris local time, including the repeated hour).
        var restic = new ResticRunner(Path) { Environment = { ["TZ"] = "Europe/Paris" } };
        foreach (var time in new[] { "2021-10-24 12:00:00", "2021-10-30 12:00:00", "2021-10-31 02:30:00", "2021-10-31 12:00:00", "2021-11-06 12:00:00", "2021-11-07 11:30:00", "2021-11-07 12:30:00" })
            restic.Ok("backup", "-q", "--host", "restic-written", "--tag", "coffre", "--tag", "app:shop", "--time", time, src);
        Count = _snapshots.Count + 8;
    }

    private void Window(string host, string newest, params (string Start, int Count, int StepMinutes)[] series)
    {
        Add(host, newest, ["coffre", "app:shop"]);
        foreach (var (start, count, step) in series)
        {
            var first = DateTimeOffset.Parse(start, System.Globalization.CultureInfo.InvariantCulture);
            for (var i = 0; i < count; i++) Add(host, first.AddMinutes(i * step), ["coffre", "app:shop"]);
        }
    }

    private void Add(string host, DateTimeOffset time, string[]? tags, string path = "/srv/shop") =>
        Add(host, GoTime.FromDateTimeOffset(time).ToRfc3339Nano(), tags, path);

    private void Add(string host, string time, string[]? tags, string path = "/srv/shop") => _snapshots.Add(new Snapshot
    {
        Time = GoTime.Parse(time),
        Tree = _tree,
        Paths = [path],
        Hostname = host,
        Username = "oracle",
        Tags = tags is null ? null : [.. tags],
    });

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _dir.Dispose();
}
