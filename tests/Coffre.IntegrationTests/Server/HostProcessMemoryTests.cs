using System.Text;
using System.Text.Json.Nodes;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.Storage.Local;

namespace Coffre.IntegrationTests.Server;

/// <summary>
/// The engine forces no garbage collection in a host application's process: the blocking, compacting collection after
/// a key derivation (and between backup parts) is the coffre command's choice, made in its runtimeconfig.json.
/// </summary>
public class HostProcessMemoryTests
{
    [Fact]
    public async Task Opening_a_repository_collects_only_when_the_process_turned_the_switch_on()
    {
        using var dir = new TestDirectory("host-gc");
        var repo = dir.Sub("repo");
        new CoffreRunner(repo).Init();
        var password = Encoding.UTF8.GetBytes(TestPasswords.Default);
        async Task<int> FullCollectionsDuringOpensAsync()
        {
            var before = GC.CollectionCount(GC.MaxGeneration);
            for (var i = 0; i < 5; i++) await Coffre.Repository.Repository.OpenAsync(new LocalBackend(repo), password, CancellationToken.None);
            return GC.CollectionCount(GC.MaxGeneration) - before;
        }
        await Coffre.Repository.Repository.OpenAsync(new LocalBackend(repo), password, CancellationToken.None);

        Assert.False(MemoryReturn.Enabled); // a host (this test process) has not asked for it
        var without = await FullCollectionsDuringOpensAsync();
        AppContext.SetSwitch(MemoryReturn.Switch, true);
        int with;
        try { with = await FullCollectionsDuringOpensAsync(); }
        finally { AppContext.SetSwitch(MemoryReturn.Switch, false); }

        Assert.True(with >= 5, $"{with} full collections for 5 opens with the switch on");
        Assert.True(without < 5, $"{without} full collections for 5 opens with the switch off: the engine forced them");
    }

    [Fact]
    public void The_coffre_command_turns_the_switch_on_in_its_runtimeconfig()
    {
        var path = Path.ChangeExtension(CoffreRunner.CoffreDll, ".runtimeconfig.json");
        var options = JsonNode.Parse(File.ReadAllText(path))!["runtimeOptions"]!["configProperties"]!.AsObject();
        Assert.True(options[MemoryReturn.Switch]!.GetValue<bool>());
    }
}
