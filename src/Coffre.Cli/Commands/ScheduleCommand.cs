using System.CommandLine;
using System.Diagnostics;
using Coffre.Configuration;
using Coffre.Platform;
using Coffre.Scheduling;

namespace Coffre.Cli.Commands;

/// <summary>
/// <c>coffre schedule install --systemd|--cron [--print] [--user] [--service]</c>: hands the configuration's schedule to the
/// system scheduler (docs/scheduling.md) — a service and a timer per job, or crontab lines between markers — or, with
/// <c>--systemd --service</c>, installs <c>coffre serve</c> as a service that runs the schedule itself (docs/service.md).
/// </summary>
internal static class ScheduleCommand
{
    private const string Crontab = "/usr/bin/crontab";

    public static Command Create()
    {
        var systemd = new Option<bool>("--systemd") { Description = "Write a systemd service and timer per scheduled job" };
        var cron = new Option<bool>("--cron") { Description = "Write crontab lines (replacing those a previous install wrote for this configuration)" };
        var print = new Option<bool>("--print") { Description = "Only show what would be written" };
        var user = new Option<bool>("--user") { Description = "systemd: user units in ~/.config/systemd/user (systemctl --user) instead of /etc/systemd/system" };
        var service = new Option<bool>("--service") { Description = "systemd: one service unit running 'coffre serve' (the schedule and the dashboard, sandboxed) instead of a timer per job" };
        var install = new Command("install", "Run the configuration's schedule (schedule.backup, drill, fullDrill, prune, check) with systemd timers or cron") { systemd, cron, print, user, service };
        CommandRunner.SetAction(install, (pr, ct) =>
        {
            if (pr.GetValue(systemd) == pr.GetValue(cron)) throw new CoffreException("choose one: --systemd or --cron");
            if (pr.GetValue(user) && pr.GetValue(cron)) throw new CoffreException("--user is for --systemd (a crontab is always the user's own)");
            if (pr.GetValue(service) && !pr.GetValue(systemd)) throw new CoffreException("--service is for --systemd: cron cannot keep a service running");
            var config = AppConfig.Load(pr);
            if (ConfigValidator.Validate(config) is [var first, ..])
                throw new CoffreException($"{config.FilePath}: {first} (coffre config check lists every problem)");
            var jobs = ScheduledJob.FromConfig(config.Schedule);
            if (jobs.Count == 0 && !pr.GetValue(service)) throw new CoffreException($"{config.FilePath} schedules nothing: set schedule.backup (and schedule.drill, fullDrill, prune, check), e.g. \"backup\": \"daily 02:30\"");
            var variables = PasswordVariables(config);
            var target = new ScheduleInstall(config.FilePath!, config.Application!, jobs, CoffreCommand(),
                variables.Count > 0 ? Path.Combine(Path.GetDirectoryName(config.FilePath)!, "coffre.env") : null, pr.GetValue(user));
            var notes = pr.GetValue(print) ? Console.Error : Console.Out;
            if (pr.GetValue(service))
            {
                InstallSystemd(target, [(SystemdServiceUnit.FileName(target), SystemdServiceUnit.Generate(target, SystemdServiceUnit.WritablePaths(config)))], pr.GetValue(print), pr.GetValue(GlobalOptions.Quiet));
                if (!pr.GetValue(print)) MakeServiceFolders(config);
            }
            else if (pr.GetValue(systemd)) InstallSystemd(target, SystemdUnits.Generate(target), pr.GetValue(print), pr.GetValue(GlobalOptions.Quiet));
            else InstallCron(target, pr.GetValue(print), pr.GetValue(GlobalOptions.Quiet));
            if (target.EnvironmentFile is { } env && !pr.GetValue(GlobalOptions.Quiet))
                notes.WriteLine($"note: the password variable{(variables.Count > 1 ? "s" : "")} {string.Join(", ", variables)} (passwordEnv) must reach the scheduled runs: "
                    + $"put {string.Join(" and ", variables.Select(v => v + "=..."))} in {env} (chmod 600; it is read with EnvironmentFile=, or by the shell for cron), or use passwordFile in coffre.json");
            return Task.FromResult(ExitCodes.Ok);
        });
        return new Command("schedule", "Run backups and restore drills on the configuration's schedule") { install };
    }

    /// <summary>The service's sandbox keeps the file system read-only: the folders it will write in must exist before it starts.</summary>
    private static void MakeServiceFolders(CoffreConfig config)
    {
        const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        if (Coffre.Journal.LogPaths.Resolve(config.Logging.Path, Coffre.Storage.RepositoryLocation.Canonical(config.Repository.LocationInForce)) is { } logs && !Directory.Exists(logs))
            Directory.CreateDirectory(logs, Private);
        if (Coffre.Repository.Index.DamageLedger.CacheRoot() is { } cache && !Directory.Exists(cache)) Directory.CreateDirectory(cache, Private);
    }

    /// <summary>The variables named by passwordEnv (the repository's and the databases'), in order, once each.</summary>
    private static List<string> PasswordVariables(CoffreConfig config) =>
        new IPasswordSource[] { config.Repository }.Concat(config.Databases)
            .Select(s => s.PasswordEnv).OfType<string>().Where(v => v.Length > 0).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>How to start this coffre again from a unit: its own executable, or the dotnet host and coffre.dll.</summary>
    private static List<string> CoffreCommand()
    {
        var self = Environment.ProcessPath ?? throw new CoffreException("cannot tell where the coffre executable is");
        return Path.GetFileNameWithoutExtension(self) == "dotnet" ? [self, Path.Combine(AppContext.BaseDirectory, "coffre.dll")] : [self];
    }

    /// <param name="files">The timers and their services, or the one service unit of coffre serve (--service): an install
    /// replaces what an earlier one wrote for this configuration, so a service and timers never both run the schedule.</param>
    private static void InstallSystemd(ScheduleInstall target, IReadOnlyList<(string FileName, string Content)> files, bool print, bool quiet)
    {
        var folder = target.User
            ? Path.Combine(Environment.GetEnvironmentVariable("XDG_CONFIG_HOME") is { Length: > 0 } xdg ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config"), "systemd", "user")
            : "/etc/systemd/system";
        if (print)
        {
            foreach (var (name, content) in files) Console.Write($"# {Path.Combine(folder, name)}\n{content}\n");
            return;
        }
        if (!target.User && Posix.EffectiveUserId != 0)
            throw new CoffreException("writing /etc/systemd/system needs root: run it with sudo, or add --user for units of your own user");
        Directory.CreateDirectory(folder);
        var stale = StaleUnits(folder, target, files.Select(f => f.FileName).ToHashSet(StringComparer.Ordinal));
        foreach (var (name, content) in files) WriteAtomically(Path.Combine(folder, name), content);
        foreach (var old in stale) File.Delete(old);
        if (quiet) return;
        foreach (var (name, _) in files) Console.WriteLine($"wrote {Path.Combine(folder, name)}");
        foreach (var old in stale) Console.WriteLine($"removed {old} (no longer scheduled)");
        var systemctl = target.User ? "systemctl --user" : "systemctl";
        var timers = string.Join(' ', files.Select(f => f.FileName).Where(n => n.EndsWith(".timer", StringComparison.Ordinal)));
        var start = timers.Length > 0 ? timers : string.Join(' ', files.Select(f => f.FileName));
        Console.WriteLine($"to start {(files.Count > 1 ? "them" : "it")}: {systemctl} daemon-reload && {systemctl} enable --now {start}");
        if (target.User) Console.WriteLine("user timers run while you are logged in, unless: loginctl enable-linger");
    }

    /// <summary>Units an earlier install wrote for this configuration that are not written again (a job no longer scheduled).</summary>
    private static List<string> StaleUnits(string folder, ScheduleInstall target, HashSet<string> current)
    {
        var mine = ScheduleInstall.Marker + target.ConfigPath + " ";
        return Directory.EnumerateFiles(folder, "coffre-*")
            .Where(f => (f.EndsWith(".service", StringComparison.Ordinal) || f.EndsWith(".timer", StringComparison.Ordinal))
                && !current.Contains(Path.GetFileName(f))
                && File.ReadLines(f).FirstOrDefault()?.StartsWith(mine, StringComparison.Ordinal) == true)
            .Order(StringComparer.Ordinal).ToList();
    }

    private static void WriteAtomically(string path, string content)
    {
        var temp = path + ".coffre-tmp";
        File.WriteAllText(temp, content);
        File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        File.Move(temp, path, overwrite: true);
    }

    private static void InstallCron(ScheduleInstall target, bool print, bool quiet)
    {
        var block = CrontabBlock.Generate(target);
        if (print)
        {
            Console.Write(block);
            return;
        }
        if (!File.Exists(Crontab)) throw new CoffreException($"{Crontab} not found: install cron (Debian: apt install cron), or use --systemd");
        var (code, existing, error) = RunCrontab(["-l"], null);
        // "no crontab for USER" (exit 1) is an empty crontab; anything else is a real failure.
        if (code != 0 && !error.Contains("no crontab", StringComparison.OrdinalIgnoreCase))
            throw new CoffreException($"crontab -l failed (exit {code}): {error.Trim()}");
        string merged;
        try { merged = CrontabBlock.Merge(code == 0 ? existing : "", target.ConfigPath, block); }
        catch (FormatException e) { throw new CoffreException(e.Message); }
        (code, _, error) = RunCrontab(["-"], merged);
        if (code != 0) throw new CoffreException($"crontab - failed (exit {code}): {error.Trim()}; the crontab is unchanged");
        if (!quiet) Console.Write($"installed in the crontab of {Environment.UserName}:\n{block}");
    }

    private static (int Code, string Out, string Err) RunCrontab(string[] args, string? input)
    {
        var psi = new ProcessStartInfo(Crontab) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = input is not null, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new CoffreException($"{Crontab} could not be started");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            p.StandardInput.Write(input);
            p.StandardInput.Close();
        }
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
