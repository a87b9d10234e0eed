using Coffre.IntegrationTests.Infrastructure;
using Coffre.IntegrationTests.Jobs.Restore;
using Coffre.IntegrationTests.Storage.Rest;

namespace Coffre.IntegrationTests.Emergency;

/// <summary>
/// docs/emergency.md, run: each section's ```sh blocks, in order, on the SQLite shop with the damage the section
/// is about, then the outcome checked (the data back, the repository sound for coffre and restic, exit codes).
/// A command of the page that does not run fails its section's test.
/// </summary>
public class EmergencyRunbookTests
{
    private static readonly EmergencyRunbook Book = EmergencyRunbook.Load();

    /// <summary>The sections with a procedure, each tested below (the disk one in <see cref="EmergencyDiskFullTests"/>).</summary>
    internal static readonly string[] Situations =
    [
        "Data loss in the application",
        "A corrupted repository",
        "The repository's disk is full",
        "A lost password",
        "A leaked key",
        "Ransomware on the application's machine",
        "The machine is gone",
    ];

    [Fact]
    public void Every_situation_of_the_page_has_its_test_and_every_variable_a_value()
    {
        var titles = Book.Sections.Select(s => s.Title).ToList();
        Assert.Equal([EmergencyRunbook.VariablesSection, .. Situations, "Troubleshooting: the message, its cause, the command"], titles);
        Assert.All(Situations, s => Assert.NotEmpty(Book.Section(s).Blocks));
        Assert.Empty(Book.Section("Troubleshooting: the message, its cause, the command").Blocks);
        using var dir = new TestDirectory("runbook-vars");
        Assert.Equal(Book.VariableNames.Order(StringComparer.Ordinal), new RunbookApp(dir).Variables.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_command_that_does_not_run_fails_its_section_and_stops_its_block()
    {
        using var dir = new TestDirectory("runbook-broken");
        var book = EmergencyRunbook.Parse([
            "## " + EmergencyRunbook.VariablesSection, "```sh", "export COFFRE_CONFIG=\"${COFFRE_CONFIG:-/etc/coffre/app.json}\"", "```",
            "## Misspelled verb", "1. List:", "   ```sh", "   coffre lsit -c \"$COFFRE_CONFIG\"", "   touch reached", "   ```",
            "## Missing program", "```sh", "cofre list -c \"$COFFRE_CONFIG\"", "```"]);
        var shell = new RunbookShell(dir, new Dictionary<string, string> { ["COFFRE_CONFIG"] = dir.Sub("coffre.json") });
        var verb = Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => shell.RunSection(book, "Misspelled verb", 0));
        Assert.Contains("expected exit code 0", verb.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(shell.WorkingDirectory, "reached")));
        Assert.Equal(127, shell.Run(book.Variables, book.Section("Missing program").Blocks[0]).ExitCode);
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => shell.RunSection(book, "Missing program", 0, 0)); // a block the test does not expect
    }

    [Fact]
    public void Data_loss_in_the_application_restores_the_last_good_backup_between_stop_and_start()
    {
        using var dir = new TestDirectory("runbook-dataloss");
        var app = new RunbookApp(dir);
        app.Init();
        var good = app.Backup();
        var before = app.State();
        app.App.Damage();
        app.Backup(); // the nightly backup ran after the damage: latest is not the one to restore
        Assert.NotEqual(before, app.State());
        app.Variables["SNAPSHOT"] = good[..8]; // as 'coffre list' shows it

        var shell = app.Shell();
        var r = shell.RunSection(Book, "Data loss in the application", 0, 0, 0, 0, 0);

        Assert.Equal(before, app.State());
        Assert.Equal(["stop shop", "start shop"], shell.SystemctlCalls);
        Assert.Contains("safety snapshot", r[2].StdOut, StringComparison.Ordinal);
        Assert.Contains("pre-restore", r[3].StdOut, StringComparison.Ordinal);
        Restic.AssertCheckReadData(app.Repository);
    }

    [Fact]
    public void A_corrupted_repository_is_checked_healed_by_a_backup_repaired_and_checks_clean()
    {
        using var dir = new TestDirectory("runbook-corrupt");
        var app = new RunbookApp(dir);
        app.Init();
        app.Backup();
        var state = app.State();
        var pack = Directory.EnumerateFiles(Path.Combine(app.Repository, "data"), "*", SearchOption.AllDirectories).MaxBy(f => new FileInfo(f).Length)!;
        File.Delete(pack);

        var r = app.Shell().RunSection(Book, "A corrupted repository", 1, 0, 0, 0);

        Assert.Contains(Path.GetFileName(pack)[..8], r[0].StdOut + r[0].StdErr, StringComparison.Ordinal);
        Restic.AssertCheckReadData(app.Repository);
        app.App.Damage();
        app.Coffre.Ok("restore", "latest", "--force");
        Assert.Equal(state, app.State());
    }

    [Fact]
    public void A_lost_password_is_replaced_with_the_recovery_code()
    {
        using var dir = new TestDirectory("runbook-password");
        var app = new RunbookApp(dir);
        app.Init();
        app.Backup();
        File.WriteAllText(app.PasswordFile, "not the password any more\n"); // lost
        Assert.Equal(12, app.Coffre.Run("list").ExitCode);

        var shell = app.Shell();
        shell.Typed = app.RecoveryCode.ToLowerInvariant().Replace("-", " ", StringComparison.Ordinal); // typed sloppily, as at 3 a.m.
        shell.RunSection(Book, "A lost password", 0, 0);

        var newPassword = File.ReadAllLines(app.PasswordFile)[0];
        Assert.NotEqual(TestPasswords.Default, newPassword);
        Assert.Equal(2, app.Coffre.Json("list").GetArrayLength() + 1);
        Assert.Equal(0, app.Coffre.Run("verify", "latest").ExitCode);
        Restic.AssertCheckReadData(app.Repository, newPassword);
        Assert.False(File.Exists(app.PasswordFile + ".new"));
    }

    [Fact]
    public void A_leaked_key_is_rotated_and_the_leaked_password_no_longer_opens()
    {
        using var dir = new TestDirectory("runbook-leak");
        var app = new RunbookApp(dir);
        app.Init();
        app.Backup();
        var state = app.State();
        var colleague = dir.Sub("colleague.pw");
        File.WriteAllText(colleague, "a colleague's password\n");
        File.SetUnixFileMode(colleague, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        app.Coffre.Ok("key", "add", "--new-password-file", colleague);

        var r = app.Shell().RunSection(Book, "A leaked key", 0, 0, 0, 0);

        Assert.Matches(@"[0-9A-Z]{4}(-[0-9A-Z]{4}){7}", r[1].StdOut);
        var newPassword = File.ReadAllLines(app.PasswordFile)[0];
        Assert.NotEqual(TestPasswords.Default, newPassword);
        foreach (var leaked in new[] { TestPasswords.Default, "a colleague's password", app.RecoveryCode })
            Assert.Equal(12, new CoffreRunner(app.Repository, leaked).Run("snapshots").ExitCode);
        Restic.AssertCheckReadData(app.Repository, newPassword);
        app.App.Damage();
        app.Coffre.Ok("restore", "latest", "--force");
        Assert.Equal(state, app.State());
    }

    [Fact]
    public void Ransomware_is_undone_from_the_append_only_copy_with_a_backup_from_before_the_attack()
    {
        using var dir = new TestDirectory("runbook-ransom");
        using var server = new RcloneRestServer(appendOnly: true);
        var app = new RunbookApp(dir);
        app.Init();
        var offsite = server.Location();
        var copy = new CoffreRunner(offsite, password: null) { WorkingDirectory = app.App.Root };
        copy.Ok("init", "--copy-chunker-params", "--from-repo", app.Repository, "--from-password-file", app.PasswordFile);
        app.Backup();
        copy.Ok("copy", "--from-repo", app.Repository, "--from-password-file", app.PasswordFile);
        var before = app.State();
        var clean = copy.Json("snapshots")[0].GetProperty("short_id").GetString()!;

        // The attack: the application's data damaged and its files encrypted, a backup of them taken and copied,
        // the local backups deleted.
        app.App.Damage();
        foreach (var f in Directory.EnumerateFiles(app.App.Media, "*", SearchOption.AllDirectories))
            File.WriteAllBytes(f, System.Security.Cryptography.RandomNumberGenerator.GetBytes(4096));
        app.Backup();
        copy.Ok("copy", "--from-repo", app.Repository, "--from-password-file", app.PasswordFile);
        Directory.Delete(app.Repository, recursive: true);
        Assert.Equal(2, copy.Json("snapshots").GetArrayLength());
        Assert.NotEqual(0, copy.Run("forget", "--keep-last", "1").ExitCode); // the server refuses
        app.Variables["OFFSITE"] = offsite;
        app.Variables["SNAPSHOT"] = clean;

        app.Shell().RunSection(Book, "Ransomware on the application's machine", 0, 0, 0);

        Assert.Equal(before, app.State());
        Assert.Single(app.Coffre.Json("list").EnumerateArray());
        Restic.AssertCheckReadData(app.Repository);
    }

    [Fact]
    public void The_machine_gone_comes_back_from_the_repository_and_the_recovery_code_alone()
    {
        using var dir = new TestDirectory("runbook-gone");
        var app = new RunbookApp(dir);
        app.Init();
        app.Backup();
        var database = SqliteApp.Fingerprint(app.App.Database);
        var uploads = SqliteApp.Listing(Path.Combine(app.App.Media, "uploads"));
        Directory.Delete(app.App.Root, recursive: true);
        File.Delete(app.PasswordFile);

        var shell = app.Shell();
        shell.Typed = app.RecoveryCode;
        var r = shell.RunSection(Book, "The machine is gone", 0, 0, 0);

        var scratch = app.Variables["SCRATCH"];
        Assert.Equal(database, SqliteApp.Fingerprint(Path.Combine(scratch, "database", "main.sqlite")));
        Assert.Equal(uploads, SqliteApp.Listing(Path.Combine(scratch, "media", "media", "uploads")));
        Assert.Contains("main.sqlite", r[1].StdOut, StringComparison.Ordinal);
        // The configuration came back from the backup, and with it the application in place.
        Assert.True(File.Exists(app.Config), "coffre config restore wrote no coffre.json");
        Assert.Equal(database, SqliteApp.Fingerprint(app.App.Database));
        Assert.Equal(uploads, SqliteApp.Listing(Path.Combine(app.App.Media, "uploads")));
    }
}
