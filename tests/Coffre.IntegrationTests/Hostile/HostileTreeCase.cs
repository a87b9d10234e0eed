using Coffre.Model;

namespace Coffre.IntegrationTests.Hostile;

/// <summary>
/// One forged repository: how its trees are built (<see cref="Build"/> returns the root tree), what Coffre must say
/// (<see cref="Error"/>, at <see cref="Path"/>), and whether restic 0.14's check flags it (only an empty name).
/// </summary>
internal sealed record HostileTreeCase(string Name, string Error, string Path, Func<RepositoryForger, Task<BlobId>> Build)
{
    /// <summary>restic 0.14's check reports this tree ("node with empty name"); every other case passes its check.</summary>
    public bool ResticCheckFlags { get; init; }

    /// <summary>The control case: a sound tree every tool reads.</summary>
    public bool Sound => Error.Length == 0;

    public override string ToString() => Name;

    private static Task<BlobId> One(RepositoryForger f, Func<BlobId, string> node) => Task.Run(async () => await f.TreeAsync(node(await f.DataAsync("forged\n"))));

    /// <summary>The cases. Symlink targets and "../../x" are relative to the restore target TARGET = W/sentinel/target,
    /// so they point at W/x (a victim file) and W/elsewhere (a victim folder).</summary>
    public static IEnumerable<HostileTreeCase> All()
    {
        yield return new("sound", "", "/", async f =>
        {
            var data = await f.DataAsync("forged\n");
            var sub = await f.TreeAsync(RepositoryForger.File("inner", data));
            return await f.TreeAsync(RepositoryForger.Dir("d", sub), RepositoryForger.File("ok", data), RepositoryForger.Symlink("up", "../../x"));
        });
        foreach (var (label, name) in new[]
        {
            ("dotdot", ".."), ("dotdot-x", "../x"), ("dotdot-dotdot-x", "../../x"), ("dot", "."), ("slash", "a/b"),
            ("absolute", "/etc-forged"), ("nul", "x\0y"), ("trailing-slash", "x/"),
        })
            yield return new(label, $"invalid child node name {NodeName.Quote(System.Text.Encoding.UTF8.GetBytes(name))}", "/",
                f => One(f, d => RepositoryForger.File(name, d)));
        yield return new("empty", "invalid child node name \"\"", "/", f => One(f, d => RepositoryForger.File("", d))) { ResticCheckFlags = true };
        yield return new("a-up-up-x", "invalid child node name \"a/../../x\"", "/", async f =>
        {
            var data = await f.DataAsync("forged\n");
            var empty = await f.TreeAsync();
            return await f.TreeAsync(RepositoryForger.Dir("a", empty), RepositoryForger.File("a/../../x", data));
        });
        yield return new("dot-folder", "invalid child node name \".\"", "/", async f =>
            await f.TreeAsync(RepositoryForger.Dir(".", await f.TreeAsync(RepositoryForger.File("f", await f.DataAsync("forged\n"))))));
        yield return new("duplicate-files", "duplicate child node name \"f\"", "/", async f =>
            await f.TreeAsync(RepositoryForger.File("f", await f.DataAsync("first\n")), RepositoryForger.File("f", await f.DataAsync("second\n"))));
        yield return new("symlink-then-folder", "duplicate child node name \"lnk\"", "/", async f =>
        {
            var inside = await f.TreeAsync(RepositoryForger.File("pwn", await f.DataAsync("forged\n")));
            return await f.TreeAsync(RepositoryForger.Symlink("lnk", "../../elsewhere"), RepositoryForger.Dir("lnk", inside, 0x800001FF /* dir 0777 */));
        });
        yield return new("symlink-then-slash-name", "invalid child node name \"lnk/pwn\"", "/", async f =>
            await f.TreeAsync(RepositoryForger.Symlink("lnk", "../../elsewhere"), RepositoryForger.File("lnk/pwn", await f.DataAsync("forged\n"))));
        yield return new("hardlink-outside", "invalid child node name \"../../x\"", "/", async f =>
        {
            var data = await f.DataAsync("forged\n");
            return await f.TreeAsync(RepositoryForger.File("../../x", data, inode: 77, links: 2), RepositoryForger.File("h", data, inode: 77, links: 2));
        });
        yield return new("nested-dotdot", "invalid child node name \"..\"", "/sub", async f =>
        {
            var data = await f.DataAsync("forged\n");
            var sub = await f.TreeAsync(RepositoryForger.File("..", data), RepositoryForger.File("fine", data));
            return await f.TreeAsync(RepositoryForger.Dir("sub", sub), RepositoryForger.File("top", data));
        });
        yield return new("deep-3000", $"folders are nested deeper than {NodeName.MaxTreeDepth} levels", "/d/d/d", async f =>
        {
            var tree = await f.TreeAsync(RepositoryForger.File("bottom", await f.DataAsync("forged\n")));
            for (var i = 0; i < 3000; i++) tree = await f.TreeAsync(RepositoryForger.Dir("d", tree));
            return tree;
        });
        yield return new("absurd-size", "", "/", async f =>
            await f.TreeAsync(RepositoryForger.File("big", await f.DataAsync("forged\n"), size: 1UL << 62)));
    }
}
