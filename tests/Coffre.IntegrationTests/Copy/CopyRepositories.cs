using System.Text.Json;
using Coffre.IntegrationTests.Infrastructure;

namespace Coffre.IntegrationTests.Copy;

/// <summary>A source and a destination repository with their own passwords, and `coffre copy` between them.</summary>
internal sealed class CopyRepositories
{
    public const string DestinationPassword = "destination pässwort";

    public CopyRepositories(TestDirectory dir, string source = "src-repo", string destination = "dst-repo")
    {
        SourcePath = dir.Sub(source);
        DestinationPath = dir.Sub(destination);
        Source = new CoffreRunner(SourcePath);
        Destination = new CoffreRunner(DestinationPath, DestinationPassword);
        Destination.Environment["COFFRE_FROM_PASSWORD"] = TestPasswords.Default;
        ResticSource = new ResticRunner(SourcePath);
        ResticDestination = new ResticRunner(DestinationPath, DestinationPassword);
    }

    public string SourcePath { get; }
    public string DestinationPath { get; }
    public CoffreRunner Source { get; }
    public CoffreRunner Destination { get; }
    public ResticRunner ResticSource { get; }
    public ResticRunner ResticDestination { get; }

    /// <summary>`coffre init` of the destination with the source's chunker parameters.</summary>
    public void InitDestinationLikeSource() => Destination.Ok("init", "--copy-chunker-params", "--from-repo", SourcePath);

    /// <summary>`coffre -r DST copy --from-repo SRC --json`: the one copy's report.</summary>
    public JsonElement Copy(params string[] args)
    {
        var summary = Destination.Json(["copy", "--from-repo", SourcePath, .. args]);
        return Assert.Single(summary.GetProperty("copies").EnumerateArray().ToList());
    }

    public static long Size(string repository) =>
        new DirectoryInfo(repository).EnumerateFiles("*", SearchOption.AllDirectories).Where(f => !f.FullName.Contains("/locks/", StringComparison.Ordinal)).Sum(f => f.Length);

    public static List<string> Ids(JsonElement report, string list, string field) =>
        [.. report.GetProperty(list).EnumerateArray().Select(e => e.GetProperty(field).GetString()!)];
}
