using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Coffre.Configuration;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.IntegrationTests.Jobs.Restore;
using Coffre.IntegrationTests.Journal;
using Coffre.Jobs.Service;

namespace Coffre.IntegrationTests.Jobs.Service;

/// <summary>
/// The SQLite sample application with its repository made by the real <c>coffre init</c>, and the engine's job
/// runner on its coffre.json, in this process: the password from an environment the test gives, the output lines kept.
/// </summary>
internal sealed class RunnerApp
{
    public RunnerApp(TestDirectory dir) => App = new SqliteApp(dir);

    public SqliteApp App { get; }

    public string ConfigPath => Path.Combine(App.Root, "coffre.json");

    public JournalFiles Logs => new(Path.Combine(App.Root, "logs"));

    /// <summary>The lines the runner wrote to its <see cref="ApplicationJobRunner.Output"/>.</summary>
    public ConcurrentQueue<string> Output { get; } = new();

    /// <summary>Sets a top-level key of coffre.json to a JSON value.</summary>
    public RunnerApp Set(string key, string json)
    {
        var config = JsonNode.Parse(File.ReadAllText(ConfigPath))!.AsObject();
        config[key] = JsonNode.Parse(json);
        File.WriteAllText(ConfigPath, config.ToJsonString());
        return this;
    }

    /// <summary>Alerts go to this webhook, one attempt each.</summary>
    public RunnerApp AlertTo(string webhook) => Set("alerts", $$"""{ "webhook": { "url": "{{webhook}}" }, "retryDelaysSeconds": [ 0 ] }""");

    public RunnerApp Init()
    {
        App.Coffre.Ok("init");
        return this;
    }

    /// <summary>A runner on the configuration as it is now; <paramref name="output"/> also sees each line as it is written.</summary>
    public ApplicationJobRunner Runner(Action<string>? output = null) =>
        new(ConfigLoader.Load(ConfigPath), environment: new Dictionary<string, string?> { ["COFFRE_PASSWORD"] = TestPasswords.Default })
        {
            Output = line =>
            {
                Output.Enqueue(line);
                output?.Invoke(line);
            },
        };

    /// <summary>The keys of a journal record that hold a value: two runs of the same job fill the same ones.</summary>
    public static List<string> FilledKeys(JsonElement record) =>
        [.. record.EnumerateObject().Where(p => p.Value.ValueKind != JsonValueKind.Null).Select(p => p.Name)];

    /// <summary>The snapshots of the repository, as restic lists them (ids).</summary>
    public List<string> SnapshotIds() => [.. new ResticRunner(App.Repo).Snapshots().Select(s => s.GetProperty("id").GetString()!)];
}
