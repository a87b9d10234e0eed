using System.Text;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.Model;
using Coffre.Model.Json;
using Coffre.Storage;
using Coffre.Storage.Local;

namespace Coffre.IntegrationTests.Maintenance;

/// <summary>Writes snapshot files at chosen times through the engine, all pointing at an existing tree.</summary>
internal static class SnapshotFiles
{
    public static async Task<List<string>> WriteAsync(string repository, IEnumerable<Snapshot> snapshots)
    {
        var repo = await Coffre.Repository.Repository.OpenAsync(new LocalBackend(repository), Encoding.UTF8.GetBytes(TestPasswords.Default), CancellationToken.None);
        var ids = new List<string>();
        foreach (var s in snapshots) ids.Add((await repo.SaveJsonAsync(FileType.Snapshot, SnapshotJson.Serialize(s), CancellationToken.None)).ToString());
        return ids;
    }

    public static Snapshot Make(BlobId tree, string time, string host, string[]? tags, string path = "/srv/shop") => new()
    {
        Time = GoTime.Parse(time),
        Tree = tree,
        Paths = [path],
        Hostname = host,
        Username = "test",
        Tags = tags is null ? null : [.. tags],
    };
}
