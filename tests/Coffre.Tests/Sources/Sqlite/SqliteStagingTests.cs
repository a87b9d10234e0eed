using System.Diagnostics;
using Coffre.Sources.Sqlite;

namespace Coffre.Tests.Sources.Sqlite;

/// <summary>The private staging folders of SQLite dumps: made 0700, and only a gone process's folders are removed.</summary>
public sealed class SqliteStagingTests : IDisposable
{
    private readonly ScratchFolder _parent = new();

    public void Dispose() => _parent.Dispose();

    private static int DeadPid()
    {
        using var p = Process.Start("/bin/true")!;
        p.WaitForExit();
        return p.Id;
    }

    private static string OwnStartTime()
    {
        var stat = File.ReadAllText("/proc/self/stat");
        return stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[19];
    }

    [Fact]
    public void A_staging_folder_is_private_and_new()
    {
        var a = SqliteStaging.CreateFolder(_parent.Path);
        var b = SqliteStaging.CreateFolder(_parent.Path);
        Assert.NotEqual(a, b);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(a));
        Assert.StartsWith($"coffre-dump-{Environment.ProcessId}.{OwnStartTime()}-", Path.GetFileName(a), StringComparison.Ordinal);
        // A live process's folders (this one's) are kept by the cleanup the next folder does.
        Assert.True(Directory.Exists(a));
    }

    [Fact]
    public void Only_the_folders_of_gone_processes_are_removed()
    {
        string Make(string name)
        {
            var path = _parent.Child(name);
            Directory.CreateDirectory(path);
            File.WriteAllText(Path.Combine(path, "dump.sqlite"), "plaintext");
            return path;
        }

        var dead = Make($"coffre-dump-{DeadPid()}.777-abc");
        var reused = Make($"coffre-dump-{Environment.ProcessId}.1-abc"); // this PID, but another process (start time)
        var live = Make($"coffre-dump-{Environment.ProcessId}.{OwnStartTime()}-abc");
        var other = Make("coffre-dump-notapid-abc");
        var outside = Make("elsewhere");
        var link = _parent.Child($"coffre-dump-{DeadPid()}.777-link");
        Directory.CreateSymbolicLink(link, outside);

        Assert.Equal(2, SqliteStaging.RemoveLeftovers(_parent.Path));
        Assert.False(Directory.Exists(dead));
        Assert.False(Directory.Exists(reused));
        Assert.True(Directory.Exists(live));
        Assert.True(Directory.Exists(other));
        Assert.True(File.Exists(Path.Combine(outside, "dump.sqlite"))); // a link is never followed
    }

    [Fact]
    public void An_older_versions_copies_in_a_repository_are_removed()
    {
        var data = _parent.Child("data");
        Directory.CreateDirectory(Path.Combine(data, "00"));
        File.WriteAllText(Path.Combine(data, ".coffre-sqlite-0123.sqlite"), "plaintext");
        File.WriteAllText(Path.Combine(data, ".coffre-sqlite-0123.sqlite-journal"), "plaintext");
        File.WriteAllText(Path.Combine(data, "pack-0011-tmp"), "pack");
        Assert.Equal(2, SqliteStaging.RemoveLegacyLeftovers(data));
        Assert.Equal(["00", "pack-0011-tmp"], Directory.GetFileSystemEntries(data).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_source_made_for_a_backup_never_stages_in_the_repository()
    {
        var data = _parent.Child("data");
        Directory.CreateDirectory(data);
        var source = (SqliteSource)Coffre.Jobs.SourceFactory.Create(
            new Coffre.Configuration.DatabaseSection { Name = "main", Engine = "sqlite", Path = _parent.Child("app.sqlite3") }, data);
        Assert.Equal(Path.GetFullPath(Path.GetTempPath()), source.StagingFolder);
    }
}
