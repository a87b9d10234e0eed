using System.Text.Json;
using Coffre.Configuration;
using Coffre.Jobs;
using Coffre.Archives;
using Coffre.Model.Json;
using Coffre.Repository;
using Coffre.Repository.Keys;
using Coffre.Repository.Pack;
using Xunit.Abstractions;
using Coffre.Application;

namespace Coffre.Tests.Fuzz;

/// <summary>
/// Campaign 1 of issue 10 (docs/campaigns.md): every parser of repository files, archives and configuration fed
/// mutated valid inputs (100 000 in all at scale 1) returns or throws its documented exception: no other exception,
/// no hang, bounded memory.
/// </summary>
public sealed class ParserFuzzTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>Inputs per parser at scale 1 (they add up to 100 000).</summary>
    internal static readonly IReadOnlyDictionary<string, int> Inputs = new Dictionary<string, int>
    {
        ["pack header"] = 14_000,
        ["index"] = 15_000,
        ["tree"] = 20_000,
        ["snapshot"] = 10_000,
        ["key file"] = 8_000,
        ["master key"] = 5_000,
        ["repository config"] = 5_000,
        ["lock"] = 5_000,
        ["metadata.json"] = 6_000,
        ["coffre.json"] = 4_000,
        ["tar"] = 6_000,
        ["tar.gz"] = 2_000,
    };

    private readonly string _dir = Directory.CreateTempSubdirectory("coffre-fuzz-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void The_campaign_feeds_at_least_100_000_inputs_at_scale_one() => Assert.True(Inputs.Values.Sum() >= 100_000);

    [Fact]
    public void Pack_header() => Run("pack header", FuzzSeeds.PackHeaders(), b => PackHeader.Decode(b), typeof(InvalidDataException));

    [Fact]
    public void Index() => Run("index", FuzzSeeds.Indexes(), b => IndexJson.ParsePacks(b), typeof(InvalidDataException));

    [Fact]
    public void Tree() => Run("tree", FuzzSeeds.Trees(), b => TreeJson.Parse(b), typeof(InvalidDataException), typeof(CoffreException));

    [Fact]
    public void Snapshot() => Run("snapshot", FuzzSeeds.Snapshots(), b => SnapshotJson.Parse(b), typeof(InvalidDataException));

    [Fact]
    public void Key_file() => Run("key file", FuzzSeeds.KeyFiles(), b => KeyFile.Parse(b), typeof(InvalidDataException));

    [Fact]
    public void Master_key() => Run("master key", FuzzSeeds.MasterKeys(), b => MasterKeyJson.Parse(b), typeof(InvalidDataException));

    [Fact]
    public void Repository_config() => Run("repository config", FuzzSeeds.RepositoryConfigs(), b => RepositoryConfig.Parse(b), typeof(InvalidDataException));

    [Fact]
    public void Lock() => Run("lock", FuzzSeeds.Locks(), b => LockJson.Parse(b), typeof(InvalidDataException));

    /// <summary>The importer treats JsonException and InvalidDataException as "not Coffre's metadata".</summary>
    [Fact]
    public void Metadata_json() => Run("metadata.json", FuzzSeeds.Metadata(), b => ApplicationMetadata.Parse(b), typeof(InvalidDataException), typeof(JsonException), typeof(InvalidMetadataException));

    [Fact]
    public void Coffre_json()
    {
        var file = Path.Combine(_dir, "coffre.json");
        var env = new Dictionary<string, string?> { ["HOME"] = _dir };
        Run("coffre.json", FuzzSeeds.CoffreJson(), b =>
        {
            File.WriteAllBytes(file, b);
            ConfigValidator.Validate(ConfigLoader.Load(file, env));
        }, typeof(CoffreException));
    }

    /// <summary>Mutations of the tar stream inside valid gzip: tar headers, PAX records, GNU long names, sizes.</summary>
    [Fact]
    public void Tar()
    {
        var file = Path.Combine(_dir, "a.tar.gz");
        Run("tar", FuzzSeeds.Tars(), b => ReadArchive(file, FuzzSeeds.Gzip(b)), typeof(CoffreException));
    }

    /// <summary>Mutations of the gzip file itself.</summary>
    [Fact]
    public void Tar_gz()
    {
        var file = Path.Combine(_dir, "b.tar.gz");
        Run("tar.gz", FuzzSeeds.TarGzs(), b => ReadArchive(file, b), typeof(CoffreException));
    }

    /// <summary>What the importer does with an archive: every entry in order, each data stream read to its end, then the trailer.</summary>
    private static void ReadArchive(string file, byte[] bytes)
    {
        File.WriteAllBytes(file, bytes);
        var input = ArchiveInput.Open(file);
        try
        {
            while (input.NextAsync(CancellationToken.None).GetAwaiter().GetResult() is { } entry)
            {
                if (entry.DataStream is not { } data) continue;
                try { data.CopyTo(Stream.Null); }
                catch (EndOfStreamException e) { throw input.Damaged(e); } // as the importer does
            }
            input.FinishAsync(CancellationToken.None).GetAwaiter().GetResult();
        }
        finally { input.DisposeAsync().AsTask().GetAwaiter().GetResult(); }
    }

    private void Run(string parser, byte[][] seeds, Action<byte[]> parse, params Type[] clean)
    {
        var count = CampaignScale.Of(Inputs[parser]);
        var started = DateTime.UtcNow;
        var result = new FuzzCampaign(parser, seeds, parse, clean).Run(count);
        output.WriteLine($"{parser}: {result.Inputs} mutated inputs, {result.Accepted} accepted, {result.Refused} refused cleanly, {(DateTime.UtcNow - started).TotalSeconds:F1} s");
    }
}
