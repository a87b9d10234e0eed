using System.CommandLine;
using Coffre.Cli.Output;
using Coffre.Configuration;
using Coffre.Health;
using Coffre.Journal;

namespace Coffre.Cli.Commands;

/// <summary>
/// <c>coffre doctor [--json]</c> (docs/doctor.md): everything an administrator would check, in order, with the engine's
/// <see cref="HealthInspector"/> (the dashboard's Problems show the same findings). One line per finding and the
/// command that fixes it, then the verdict; exit code 0 all good, 1 needs attention, 2 failing. Not journaled: it
/// reads the journal, it is not a run of its own.
/// </summary>
internal static class DoctorCommand
{
    public static Command Create()
    {
        var cmd = new Command("doctor", "Say what is wrong (configuration, service, repository, locks, disk, backups, checks, drills, database tools) and the command that fixes it; exit 0 all good, 1 needs attention, 2 failing");
        cmd.SetAction(async (pr, ct) =>
        {
            try
            {
                var report = await InspectAsync(pr, ct);
                Print(pr, report);
                return report.ExitCode;
            }
            catch (Exception e)
            {
                return ErrorReporter.Report(e, ct.IsCancellationRequested);
            }
        });
        return cmd;
    }

    private static async Task<HealthReport> InspectAsync(ParseResult pr, CancellationToken ct)
    {
        CoffreConfig? config = null;
        var problems = new List<string>();
        if (AppConfig.IsPresent(pr))
        {
            try
            {
                config = AppConfig.Load(pr);
                problems.AddRange(ConfigValidator.Validate(config).Select(e => e.ToString()));
            }
            catch (CoffreException e) { problems.Add(e.Message); }
        }
        var location = RepositoryOpener.GivenLocation(pr) ?? config?.Repository.Path;
        if (string.IsNullOrEmpty(location))
        {
            var missing = config is null && problems.Count == 0
                ? HealthFinding.Failing("no-repository", "no repository and no configuration given", "run where coffre.json is, or give -c FILE or -r PATH")
                : null;
            return new HealthReport([.. problems.Select(p => HealthFinding.Failing("configuration-invalid", $"configuration: {p}", "coffre config check (docs/configuration.md)")), .. missing is null ? [] : new[] { missing }]);
        }
        var repository = Storage.RepositoryLocation.Parse(location).IsLocal ? Storage.RepositoryLocation.Canonical(location) : location;
        var inputs = new HealthInputs
        {
            Config = config ?? new CoffreConfig { Repository = { Location = repository } },
            HasConfiguration = config is not null,
            ConfigProblems = problems,
            RepositoryPath = repository,
            History = LogPaths.Resolve(config?.Logging.Path, repository) is { } folder ? new RunJournal(folder, TimeProvider.System).ReadHistory() : [],
        };
        return await HealthInspector.InspectAsync(inputs, () => RepositoryOpener.Password(pr, confirm: false), null, ct);
    }

    private static void Print(ParseResult pr, HealthReport report)
    {
        if (pr.GetValue(GlobalOptions.Json))
        {
            JsonText.Print(new
            {
                message_type = "doctor",
                verdict = report.VerdictText,
                exit_code = report.ExitCode,
                findings = report.Findings.Select(f => new { code = f.Code, severity = f.Severity == HealthSeverity.Failing ? "failing" : "attention", text = f.Text, fix = f.Fix }),
            });
            return;
        }
        foreach (var f in report.Findings)
        {
            Console.WriteLine($"{(f.Severity == HealthSeverity.Failing ? "FAILING  " : "ATTENTION")} {f.Text}");
            Console.WriteLine($"          fix: {f.Fix}");
        }
        var failing = report.Findings.Count(f => f.Severity == HealthSeverity.Failing);
        var attention = report.Findings.Count - failing;
        Console.WriteLine(report.Findings.Count == 0 ? "doctor: all good" : $"doctor: {report.VerdictText} ({failing} failing, {attention} needing attention)");
    }
}
