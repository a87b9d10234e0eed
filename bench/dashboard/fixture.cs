// bench/dashboard/fixture.cs - run by bench/dashboard.sh (`dotnet run fixture.cs -- REPO COUNT`): gives the
// repository COUNT backups cheaply. The repository's newest snapshot (one real `coffre backup`) is saved again
// COUNT-1 times, one hour apart going back, each a distinct snapshot file sealed with the repository's key: for the
// dashboard they are COUNT backups of the application (tags, tree and metadata.json of a real one).
#:project ../../src/Coffre/Coffre.csproj
#:property TreatWarningsAsErrors=false
#:property RunAnalyzers=false
using System.Text;
using Coffre.Model;
using Coffre.Model.Json;
using Coffre.Storage;
using Coffre.Storage.Local;

if (args.Length != 2 || !int.TryParse(args[1], out var count) || count < 1)
{
    Console.Error.WriteLine("usage: dotnet run fixture.cs -- REPOSITORY COUNT (COFFRE_PASSWORD set)");
    return 2;
}
var password = Encoding.UTF8.GetBytes(Environment.GetEnvironmentVariable("COFFRE_PASSWORD") ?? "");
var repo = await Coffre.Repository.Repository.OpenAsync(new LocalBackend(args[0]), password, CancellationToken.None);
var snapshots = await repo.LoadSnapshotsAsync(CancellationToken.None);
var real = snapshots[^1].Snapshot;
var start = real.Time.ToDateTimeOffset();
for (var i = snapshots.Count; i < count; i++)
{
    var copy = SnapshotJson.Parse(SnapshotJson.Serialize(real));
    copy.Time = GoTime.FromDateTimeOffset(start.AddHours(-i));
    copy.Parent = null;
    await repo.SaveJsonAsync(FileType.Snapshot, SnapshotJson.Serialize(copy), CancellationToken.None);
}
Console.WriteLine($"{Math.Max(count, snapshots.Count)} snapshots in {args[0]}");
return 0;
