using System.CommandLine;
using System.Globalization;
using Coffre.Cli.Journal;
using Coffre.Cli.Output;
using Coffre.Journal;

namespace Coffre.Cli.Commands;

/// <summary><c>coffre log</c>: the recorded runs from history.jsonl (docs/logging.md); needs no password.</summary>
internal static class LogCommand
{
    public static Command Create()
    {
        var last = new Option<int>("--last", "-n") { Description = "Show the last N runs (0: all)", DefaultValueFactory = _ => 20 };
        var failed = new Option<bool>("--failed") { Description = "Only runs that did not end well (failed, incomplete, wrong password, interrupted)" };
        var cmd = new Command("log", "Show the recorded runs: backups, restores, checks... with their result and duration") { last, failed };
        CommandRunner.SetAction(cmd, (pr, ct) =>
        {
            if (pr.GetValue(last) < 0) throw new CoffreException($"--last {pr.GetValue(last)}: give a number of runs, 0 for all");
            var (repository, logging) = RunLocation.Locate(pr, null);
            var folder = LogPaths.Resolve(logging?.Path, repository)
                ?? throw new CoffreException("no log folder known: use -r/--repo PATH, set COFFRE_REPOSITORY, or run where coffre.json is", ExitCodes.NoRepository);
            var journal = new RunJournal(folder, TimeProvider.System);
            IEnumerable<RunRecord> runs = journal.ReadHistory();
            if (pr.GetValue(failed)) runs = runs.Where(r => r.Failed);
            var shown = runs.ToList();
            if (pr.GetValue(last) > 0 && shown.Count > pr.GetValue(last)) shown = shown[^pr.GetValue(last)..];
            if (pr.GetValue(GlobalOptions.Json))
                Console.WriteLine("[" + string.Join(",", shown.Select(r => r.ToJson())) + "]");
            else if (shown.Count == 0)
                Console.WriteLine($"no {(pr.GetValue(failed) ? "failed " : "")}runs recorded in {journal.HistoryPath}");
            else
                Print(shown);
            return Task.FromResult(ExitCodes.Ok);
        });
        return cmd;
    }

    private static string Duration(TimeSpan t) =>
        t.TotalSeconds < 60 ? t.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + "s" : Units.Duration(t);

    private static void Print(List<RunRecord> runs)
    {
        var operation = Math.Max(9, runs.Max(r => r.Operation.Length));
        Console.WriteLine($"{"Started",-19}  {"Operation".PadRight(operation)}  {"Result",-14} {"Duration",8}  {"Snapshot",-8}  {"Added",10}  Application / error");
        foreach (var r in runs)
        {
            var added = r.BytesAdded is { } a ? Units.Bytes(a) : "";
            var note = string.Join(": ", new[] { r.Application, r.Error }.Where(x => x is not null));
            Console.WriteLine($"{r.Start.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)}  {r.Operation.PadRight(operation)}  {r.Result,-14} "
                + $"{Duration(r.End - r.Start),8}  {(r.SnapshotId is { Length: >= 8 } id ? id[..8] : ""),-8}  {added,10}  {note}");
        }
    }
}
