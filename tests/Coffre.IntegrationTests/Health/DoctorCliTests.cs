using System.Text.Json;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.IntegrationTests.Maintenance;
using Coffre.Journal;

namespace Coffre.IntegrationTests.Health;

/// <summary><c>coffre doctor</c> run as a process: its exit codes (0 all good, 1 needs attention, 2 failing), its lines and its JSON.</summary>
public class DoctorCliTests
{
    private static (int Code, JsonElement Json) Doctor(CoffreRunner coffre, params string[] args)
    {
        var r = coffre.Run([.. args, "doctor", "--json"]);
        Errors.AssertNoCrash(r);
        using var doc = JsonDocument.Parse(r.StdOut);
        var json = doc.RootElement.Clone();
        Assert.Equal(r.ExitCode, json.GetProperty("exit_code").GetInt32());
        return (r.ExitCode, json);
    }

    private static List<string> Codes(JsonElement json) => [.. json.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("code").GetString()!)];

    private static string LogFolderOf(string repository) => LogPaths.Resolve(null, repository)!;

    [Fact]
    public void A_healthy_repository_is_all_good_with_exit_code_0()
    {
        using var dir = new TestDirectory("doctor-ok");
        var small = Scenarios.SmallRepository(dir);
        var r = small.Coffre.Run("doctor");
        Assert.True(r.ExitCode == 0, r.Describe());
        Assert.Equal("doctor: all good", r.StdOut.Trim());
        var (code, json) = Doctor(small.Coffre);
        Assert.Equal((0, "all good"), (code, json.GetProperty("verdict").GetString()));
        Assert.Empty(Codes(json));
    }

    [Fact]
    public void A_wrong_password_is_failing_with_exit_code_2_and_names_the_fix()
    {
        using var dir = new TestDirectory("doctor-password");
        var small = Scenarios.SmallRepository(dir);
        var wrong = new CoffreRunner(small.Repository, "not the password");
        var r = wrong.Run("doctor");
        Assert.True(r.ExitCode == 2, r.Describe());
        var lines = r.StdOut.Trim().Split('\n');
        Assert.StartsWith("FAILING   no key of the repository " + small.Repository, lines[0], StringComparison.Ordinal);
        Assert.Contains("fix: ", lines[1], StringComparison.Ordinal);
        Assert.Equal("doctor: failing (1 failing, 0 needing attention)", lines[^1]);
        Assert.Equal(["wrong-password"], Codes(Doctor(wrong).Json));
    }

    [Fact]
    public void A_missing_repository_is_failing_with_exit_code_2()
    {
        using var dir = new TestDirectory("doctor-missing");
        var (code, json) = Doctor(new CoffreRunner(dir.Sub("nothing-here")));
        Assert.Equal(2, code);
        var finding = Assert.Single(json.GetProperty("findings").EnumerateArray());
        Assert.Equal("repository-missing", finding.GetProperty("code").GetString());
        Assert.Contains(dir.Sub("nothing-here"), finding.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains("coffre init", finding.GetProperty("fix").GetString(), StringComparison.Ordinal);

        // An empty folder (a disk not mounted) says so.
        Directory.CreateDirectory(dir.Sub("empty"));
        var (emptyCode, empty) = Doctor(new CoffreRunner(dir.Sub("empty")));
        Assert.Equal(2, emptyCode);
        Assert.Contains("holds no repository", empty.GetProperty("findings")[0].GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_failed_check_recorded_in_the_journal_is_failing_with_exit_code_2()
    {
        using var dir = new TestDirectory("doctor-journal");
        var small = Scenarios.SmallRepository(dir);
        new RunJournal(LogFolderOf(small.Repository), TimeProvider.System).Append(new RunRecord
        {
            Operation = "check", Start = DateTimeOffset.Now.AddMinutes(-3), End = DateTimeOffset.Now.AddMinutes(-2), Repository = Path.GetFullPath(small.Repository),
            Result = RunResults.Failed, ExitCode = 1, Error = "1 error(s) found: pack 0123abcd does not exist",
        });
        var (code, json) = Doctor(small.Coffre);
        Assert.Equal(2, code);
        var finding = Assert.Single(json.GetProperty("findings").EnumerateArray());
        Assert.Equal(("check-failed", "failing"), (finding.GetProperty("code").GetString(), finding.GetProperty("severity").GetString()));
        Assert.Contains("pack 0123abcd does not exist", finding.GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_pack_deleted_from_the_repository_shows_as_the_failed_check_and_the_damage_it_proved()
    {
        using var dir = new TestDirectory("doctor-damage");
        var scenario = DamageScenario.Create(dir);
        Assert.Equal(0, Doctor(scenario.Coffre).Code);
        scenario.DeletePack(scenario.Backups[1].DataPack);
        Assert.Equal(1, scenario.Coffre.Run("check").ExitCode); // journals the failure and records the damage
        var (code, json) = Doctor(scenario.Coffre);
        Assert.Equal(2, code);
        var codes = Codes(json);
        Assert.Contains("check-failed", codes);
        Assert.Contains("damaged-packs", codes);
        var damage = json.GetProperty("findings").EnumerateArray().Single(f => f.GetProperty("code").GetString() == "damaged-packs");
        Assert.Contains("1 damaged pack(s)", damage.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains("coffre repair", damage.GetProperty("fix").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Locks_held_by_another_host_or_left_stale_need_attention_with_exit_code_1()
    {
        using var dir = new TestDirectory("doctor-locks");
        var small = Scenarios.SmallRepository(dir);
        await Scenarios.WriteLockAsync(small.Repository, exclusive: true, hostname: "otherhost", pid: 4242);
        var (code, json) = Doctor(small.Coffre);
        Assert.Equal(1, code);
        var held = Assert.Single(json.GetProperty("findings").EnumerateArray());
        Assert.Equal("lock-held", held.GetProperty("code").GetString());
        Assert.Contains("someone@otherhost (pid 4242)", held.GetProperty("text").GetString(), StringComparison.Ordinal);

        using var dir2 = new TestDirectory("doctor-stale");
        var other = Scenarios.SmallRepository(dir2);
        // This host, a process that cannot exist (above the kernel's pid_max): stale.
        await Scenarios.WriteLockAsync(other.Repository, exclusive: false, hostname: Coffre.Platform.Posix.GetHostName(), pid: 4_194_305);
        var (staleCode, stale) = Doctor(other.Coffre);
        Assert.Equal(1, staleCode);
        var finding = Assert.Single(stale.GetProperty("findings").EnumerateArray());
        Assert.Equal("lock-stale", finding.GetProperty("code").GetString());
        Assert.StartsWith("coffre unlock", finding.GetProperty("fix").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, other.Coffre.Run("unlock").ExitCode);
        Assert.Equal(0, Doctor(other.Coffre).Code);
    }

    [Fact]
    public void An_incomplete_backup_needs_attention_and_says_what_was_skipped()
    {
        using var dir = new TestDirectory("doctor-incomplete");
        var run = Scenarios.BackUpUnreadableSource(dir);
        Assert.Equal(3, run.Result.ExitCode);
        var (code, json) = Doctor(run.Coffre);
        Assert.Equal(1, code);
        var finding = Assert.Single(json.GetProperty("findings").EnumerateArray());
        Assert.Equal("backup-incomplete", finding.GetProperty("code").GetString());
        Assert.Contains("could not be read", finding.GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void With_coffre_json_an_invalid_configuration_is_failing_and_the_repository_is_still_looked_at()
    {
        using var dir = new TestDirectory("doctor-config");
        var small = Scenarios.SmallRepository(dir);
        var config = dir.Sub("coffre.json");
        File.WriteAllText(config, $$"""
            { "application": "shop", "repository": { "path": {{JsonSerializer.Serialize(small.Repository)}}, "passwordEnv": "COFFRE_PASSWORD" },
              "media": [ { "path": {{JsonSerializer.Serialize(small.Tree.RootText)}} } ], "retention": { "keepWithinDayz": 3 } }
            """);
        var coffre = new CoffreRunner(null) { WorkingDirectory = dir.Path };
        var (code, json) = Doctor(coffre, "-c", config);
        Assert.Equal(2, code);
        var codes = Codes(json);
        Assert.Equal("configuration-invalid", codes[0]);
        Assert.Contains("keepWithinDayz", json.GetProperty("findings")[0].GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-password", codes);
        Assert.DoesNotContain("repository-missing", codes);
    }
}
