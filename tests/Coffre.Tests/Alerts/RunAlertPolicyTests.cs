using System.Security.Cryptography;
using Coffre.Alerts;
using Coffre.Configuration;
using Coffre.Journal;

namespace Coffre.Tests.Alerts;

/// <summary>Which incidents a run raises (a message) or resolves (null), as docs/alerts.md's table says.</summary>
public class RunAlertPolicyTests
{
    private static readonly CoffreConfig Config = new() { Application = "shop", Repository = { Path = "/srv/shop/backups" } };

    private static RunDetails Run(string operation, bool application = true)
    {
        var run = RunDetails.Begin(operation, TimeProvider.System);
        if (application) run.ForApplication(Config);
        return run;
    }

    private static List<(string Kind, string? Message)> Steps(RunDetails run, int exitCode, string? error = null, Exception? failure = null) =>
        [.. RunAlertPolicy.Steps(run, exitCode, error, failure).Select(s => (s.Kind, s.Message))];

    [Fact]
    public void An_application_backup_raises_backup_failed_with_its_error_and_resolves_it_when_it_works()
    {
        Assert.Equal([(IncidentKinds.BackupFailed, "database main: pg_dump failed")], Steps(Run("backup"), ExitCodes.Fatal, "database main: pg_dump failed"));
        Assert.Equal([(IncidentKinds.BackupFailed, (string?)null)], Steps(Run("backup"), ExitCodes.Ok));
    }

    [Fact]
    public void An_incomplete_backup_is_a_failed_one_its_problem_the_message()
    {
        var run = Run("backup");
        run.Problem = "1 path(s) could not be read, first /srv/media/x: Permission denied";
        Assert.Equal([(IncidentKinds.BackupFailed, run.Problem)], Steps(run, ExitCodes.IncompleteSource));
        Assert.True(RunAlertPolicy.ChecksDiskSpace(run, ExitCodes.IncompleteSource));
    }

    [Fact]
    public void A_plain_file_backup_says_nothing_and_checks_no_disk()
    {
        Assert.Empty(Steps(Run("backup", application: false), ExitCodes.Fatal, "cannot read"));
        Assert.False(RunAlertPolicy.ChecksDiskSpace(Run("backup", application: false), ExitCodes.Ok));
        Assert.False(RunAlertPolicy.ChecksDiskSpace(Run("backup"), ExitCodes.Fatal));
    }

    [Fact]
    public void A_drill_raises_drill_failed_and_a_passing_one_also_resolves_repository_damage()
    {
        Assert.Equal([(IncidentKinds.DrillFailed, "the drill failed")], Steps(Run("drill"), ExitCodes.Fatal, "the drill failed"));
        Assert.Equal([(IncidentKinds.DrillFailed, (string?)null), (IncidentKinds.RepositoryDamaged, null)], Steps(Run("drill"), ExitCodes.Ok));
    }

    [Fact]
    public void Decryption_errors_met_by_a_backup_or_drill_are_their_failure_not_a_second_incident()
    {
        var mac = new CryptographicException("MAC mismatch");
        Assert.Equal([IncidentKinds.BackupFailed], Steps(Run("backup"), ExitCodes.Fatal, "decryption failed", mac).Select(s => s.Kind));
        Assert.Equal([IncidentKinds.DrillFailed], Steps(Run("drill"), ExitCodes.Fatal, "decryption failed", mac).Select(s => s.Kind));
    }

    [Fact]
    public void Damaged_data_met_by_another_command_raises_repository_damaged()
    {
        Assert.Equal([(IncidentKinds.RepositoryDamaged, "repository data is damaged: x")],
            Steps(Run("restore"), ExitCodes.Fatal, "repository data is damaged: x", new InvalidDataException("x")));
        Assert.Empty(Steps(Run("restore"), ExitCodes.Fatal, "no such snapshot", new CoffreException("no such snapshot")));
    }

    [Fact]
    public void A_check_that_finds_damage_raises_it_and_a_clean_one_resolves_it()
    {
        var damaged = Run("check", application: false);
        damaged.Problem = "2 error(s) found, first: pack 1234 is missing";
        Assert.Equal([(IncidentKinds.RepositoryDamaged, damaged.Problem)], Steps(damaged, ExitCodes.Fatal));
        Assert.Equal([(IncidentKinds.RepositoryDamaged, (string?)null)], Steps(Run("check", application: false), ExitCodes.Ok));
        // A check that could not run (a wrong password) says nothing about the data.
        Assert.Empty(Steps(Run("check", application: false), ExitCodes.WrongPassword, "wrong password", new CoffreException("wrong password", ExitCodes.WrongPassword)));
    }

    [Fact]
    public void Interrupted_runs_neither_raise_nor_resolve()
    {
        Assert.Empty(Steps(Run("backup"), ExitCodes.Interrupted, "interrupted"));
        Assert.Empty(Steps(Run("drill"), ExitCodes.Interrupted, "interrupted"));
        Assert.False(RunAlertPolicy.ChecksDiskSpace(Run("backup"), ExitCodes.Interrupted));
    }

    [Fact]
    public void Prune_says_nothing_unless_it_meets_damaged_data()
    {
        Assert.Empty(Steps(Run("prune", application: false), ExitCodes.Ok));
        Assert.Empty(Steps(Run("prune", application: false), ExitCodes.Locked, "locked"));
        Assert.Equal([IncidentKinds.RepositoryDamaged], Steps(Run("prune", application: false), ExitCodes.Fatal, "damaged", new InvalidDataException("bad pack")).Select(s => s.Kind));
    }

    [Fact]
    public void The_disk_step_raises_below_the_threshold_and_resolves_above_it()
    {
        var folder = Path.GetTempPath();
        var low = RunAlertPolicy.DiskStep(new AlertsSection { DiskFreeThresholdBytes = long.MaxValue }, folder);
        Assert.Equal(IncidentKinds.DiskSpaceLow, low.Kind);
        Assert.StartsWith($"the file system of the repository {folder} has ", low.Message, StringComparison.Ordinal);
        Assert.True(RunAlertPolicy.DiskStep(new AlertsSection { DiskFreeThresholdBytes = 1 }, folder).Resolves);
        Assert.True(RunAlertPolicy.DiskStep(new AlertsSection(), folder).Resolves); // no threshold: nothing to say
    }
}
