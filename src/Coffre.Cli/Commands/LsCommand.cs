using System.CommandLine;
using Coffre.Cli.Output;
using Coffre.Model;
using Coffre.Repository;

namespace Coffre.Cli.Commands;

internal static class LsCommand
{
    public static Command Create()
    {
        var snapshot = new Argument<string>("snapshot") { Description = "Snapshot ID (or prefix), or 'latest'" };
        var path = new Argument<string?>("path") { Description = "Only list this folder of the snapshot (and below)", Arity = ArgumentArity.ZeroOrOne };
        var cmd = new Command("ls", "List the files in a snapshot") { snapshot, path };
        CommandRunner.SetAction(cmd, async (pr, ct) =>
        {
            var repo = await RepositoryOpener.OpenReaderAsync(pr, ct);
            repo.EnsureIndexComplete();
            var entry = await repo.FindSnapshotAsync(pr.GetValue(snapshot)!, ct);
            // "" means the whole snapshot; otherwise an absolute path inside it, without a trailing slash.
            var prefix = (pr.GetValue(path) ?? "").TrimEnd('/');
            if (prefix.Length > 0 && !prefix.StartsWith('/')) prefix = "/" + prefix;
            var json = pr.GetValue(GlobalOptions.Json);
            var found = false;
            try
            {
                await foreach (var (p, node) in TreeWalker.WalkAsync(repo, entry.Snapshot.Tree, ct))
                {
                    if (prefix.Length > 0 && p != prefix && !p.StartsWith(prefix + "/", StringComparison.Ordinal)) continue;
                    found = true;
                    if (json)
                        JsonText.Print(new
                        {
                            path = p,
                            type = node.Type.ToString().ToLowerInvariant(),
                            size = node.Size,
                            mode = Convert.ToString(GoFileMode.ToUnixPermissions(node.Mode), 8),
                            mtime = node.ModTime.ToRfc3339Nano(),
                            uid = node.Uid,
                            gid = node.Gid,
                        });
                    else Console.WriteLine(p);
                }
            }
            catch (InvalidTreeException e) { throw e.InSnapshot(entry.Id); }
            if (!found && prefix.Length > 0) throw new CoffreException($"{prefix} is not in snapshot {entry.Id.ToShortString()}");
            return ExitCodes.Ok;
        });
        return cmd;
    }
}
