using System.Security.Cryptography;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.Platform;
using static Coffre.IntegrationTests.Infrastructure.RawFiles;

namespace Coffre.IntegrationTests.Campaigns;

/// <summary>
/// The files the campaigns back up: small random files (each below the chunker's 512 KiB minimum, so each is one
/// data blob whose ID is the SHA-256 of the file) in a few folders, and a way to change some of them between backups.
/// </summary>
internal sealed class CampaignSource
{
    private readonly byte[] _root;
    private readonly Random _random;
    private int _next;

    public CampaignSource(string root, int seed, int files)
    {
        _root = UnixPath.FromString(root);
        _random = new Random(seed);
        Dir(_root);
        foreach (var folder in Folders) Dir(UnixPath.Join(_root, B(folder)));
        for (var i = 0; i < files; i++) Add();
    }

    private static readonly string[] Folders = ["a", "b", "b/c"];

    public string Root => UnixPath.ToDisplay(_root);

    /// <summary>Relative path -> SHA-256 (hex) of the file as it is now.</summary>
    public Dictionary<string, string> Files { get; } = new(StringComparer.Ordinal);

    public string Absolute(string relative) => Root + "/" + relative;

    public void Add()
    {
        var rel = $"{Folders[_random.Next(Folders.Length)]}/f{_next++:D4}.bin";
        Write(rel);
    }

    /// <summary>Rewrites <paramref name="count"/> existing files with new random content.</summary>
    public void Change(int count)
    {
        var names = Files.Keys.Order(StringComparer.Ordinal).ToList();
        for (var i = 0; i < count; i++) Write(names[_random.Next(names.Count)]);
    }

    private void Write(string rel)
    {
        var data = new byte[1024 + _random.Next(60_000)];
        _random.NextBytes(data);
        RawFiles.Write(UnixPath.Join(_root, B(rel)), data);
        Files[rel] = Convert.ToHexStringLower(SHA256.HashData(data));
    }

    private static void Dir(byte[] path)
    {
        Posix.MakeDirectoryAll(path, 0x1ED);
    }
}
