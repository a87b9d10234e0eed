using System.CommandLine;
using Coffre.Cli.Output;
using Coffre.Maintenance.Retention;

namespace Coffre.Cli.Commands;

/// <summary>
/// `coffre forget --keep-daily 7 ...`: removes the snapshots a retention policy does not keep, per group (host and
/// application, else host and paths), like `restic forget`. Without --keep-* options the policy is coffre.json's
/// retention. Snapshot files only: `coffre prune` frees the data.
/// </summary>
internal static class ForgetCommand
{
    public static Command Create()
    {
        Option<int> Count(string name, string alias, string what) => new(name, alias) { Description = $"Keep the newest snapshot of each of the last N {what} that have one", HelpName = "N" };
        Option<string?> Window(string what) => new($"--keep-within-{what}") { Description = $"Keep the newest snapshot of each {Period(what)} within DURATION of the newest snapshot", HelpName = "DURATION" };

        var last = new Option<int>("--keep-last", "-l") { Description = "Keep the newest N snapshots", HelpName = "N" };
        var hourly = Count("--keep-hourly", "-H", "hours");
        var daily = Count("--keep-daily", "-d", "days");
        var weekly = Count("--keep-weekly", "-w", "ISO weeks");
        var monthly = Count("--keep-monthly", "-m", "months");
        var yearly = Count("--keep-yearly", "-y", "years");
        var within = new Option<string?>("--keep-within") { Description = "Keep every snapshot newer than DURATION before the newest snapshot (e.g. 30d, 1y2m3d4h)", HelpName = "DURATION" };
        string[] windowNames = ["hourly", "daily", "weekly", "monthly", "yearly"];
        var windows = windowNames.Select(Window).ToArray();
        var keepTags = new Option<string[]>("--keep-tag") { Description = "Keep every snapshot with these tags (a,b: both; '': untagged); repeatable", HelpName = "TAGS" };
        var hosts = new Option<string[]>("--host") { Description = "Only consider snapshots of this host (repeatable)", HelpName = "HOST" };
        var tags = new Option<string[]>("--tag") { Description = "Only consider snapshots with these tags (a,b: both; repeatable)", HelpName = "TAGS" };
        var dryRun = new Option<bool>("--dry-run", "-n") { Description = "Show what would be removed and why the rest is kept; remove nothing" };
        var allowEmpty = new Option<bool>("--allow-empty") { Description = "Allow removing every snapshot of a group (refused otherwise)" };

        var cmd = new Command("forget", "Remove the snapshots a retention policy does not keep (snapshot files only: then run 'coffre prune')")
        {
            last, hourly, daily, weekly, monthly, yearly, within,
        };
        foreach (var w in windows) cmd.Options.Add(w);
        foreach (var o in new Option[] { keepTags, hosts, tags, dryRun, allowEmpty }) cmd.Options.Add(o);

        CommandRunner.SetAction(cmd, async (pr, ct) =>
        {
            var config = AppConfig.IsPresent(pr) ? AppConfig.Load(pr) : null;
            var policy = new RetentionPolicy
            {
                Last = pr.GetValue(last),
                Hourly = pr.GetValue(hourly),
                Daily = pr.GetValue(daily),
                Weekly = pr.GetValue(weekly),
                Monthly = pr.GetValue(monthly),
                Yearly = pr.GetValue(yearly),
                Within = Duration(pr.GetValue(within)),
                WithinHourly = Duration(pr.GetValue(windows[0])),
                WithinDaily = Duration(pr.GetValue(windows[1])),
                WithinWeekly = Duration(pr.GetValue(windows[2])),
                WithinMonthly = Duration(pr.GetValue(windows[3])),
                WithinYearly = Duration(pr.GetValue(windows[4])),
                KeepTags = TagLists(pr.GetValue(keepTags)),
            };
            var given = cmd.Options.Any(o => o.Name.StartsWith("--keep-", StringComparison.Ordinal) && pr.GetResult(o) is not null);
            if (!given)
            {
                if (config is null)
                    throw new CoffreException("no retention policy: give --keep-* options (e.g. --keep-daily 7 --keep-within 30d), or run where coffre.json is (its retention section is the policy)");
                policy = RetentionPolicy.FromConfig(config.Retention);
                if (policy.IsEmpty) throw new CoffreException($"the retention section of {config.FilePath} keeps nothing: set keepWithinDays or a count (see docs/configuration.md)");
            }
            var tagFilter = TagLists(pr.GetValue(tags)).ToList();
            // With a configuration, forget works on that application's snapshots, as list and restore do.
            if (config?.Application is { } app) tagFilter = tagFilter.Count == 0 ? [["app:" + app]] : [.. tagFilter.Select(l => (IReadOnlyList<string>)[.. l, "app:" + app])];

            var repo = await RepositoryOpener.OpenAsync(pr, ct, loadIndex: false);
            var result = await SnapshotForgetter.ForgetAsync(repo, new ForgetRequest
            {
                Policy = policy,
                Hosts = pr.GetValue(hosts) ?? [],
                Tags = tagFilter,
                DryRun = pr.GetValue(dryRun),
                AllowEmpty = pr.GetValue(allowEmpty),
            }, TimeProvider.System, ct);
            foreach (var w in result.Warnings) Console.Error.WriteLine($"coffre: warning: {w}");
            if (pr.GetValue(GlobalOptions.Json)) JsonText.Print(ForgetReport.ToJson(result));
            else if (!pr.GetValue(GlobalOptions.Quiet)) ForgetReport.Print(result, config?.Application);
            return ExitCodes.Ok;
        });
        return cmd;
    }

    private static string Period(string adjective) => adjective == "daily" ? "day" : adjective[..^2];

    private static RetentionDuration Duration(string? text) => text is null ? default : RetentionDuration.Parse(text);

    /// <summary>restic's tag lists: "a,b" is one list of two tags (each trimmed); "" is the list of the empty tag.</summary>
    private static IReadOnlyList<IReadOnlyList<string>> TagLists(string[]? values) =>
        [.. (values ?? []).Select(v => (IReadOnlyList<string>)[.. v.Split(',').Select(t => t.Trim())])];
}
