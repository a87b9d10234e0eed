using System.CommandLine;
using System.Text;
using Coffre.Storage;

namespace Coffre.Cli.Commands;

internal static class CatCommand
{
    public static Command Create()
    {
        var what = new Argument<string>("type") { Description = "config | index | snapshot | key | lock | masterkey" };
        var id = new Argument<string?>("id") { Description = "ID (or unique prefix) of the object", Arity = ArgumentArity.ZeroOrOne };
        var cmd = new Command("cat", "Print a repository object as JSON (for debugging)") { what, id };
        CommandRunner.SetAction(cmd, async (pr, ct) =>
        {
            var repo = await RepositoryOpener.OpenReaderAsync(pr, ct, loadIndex: false);
            var type = pr.GetValue(what)!;
            if (type == "config")
            {
                Console.WriteLine(Encoding.UTF8.GetString(repo.Config.Serialize()));
                return ExitCodes.Ok;
            }
            var fileType = type switch
            {
                "index" => FileType.Index,
                "snapshot" => FileType.Snapshot,
                "key" => FileType.Key,
                "lock" => FileType.Lock,
                _ => throw new CoffreException($"cat {type}: unknown type; use config, index, snapshot, key or lock"),
            };
            var prefix = pr.GetValue(id) ?? throw new CoffreException($"cat {type} needs an ID");
            var matches = new List<string>();
            await foreach (var e in repo.Backend.ListAsync(fileType, ct))
                if (e.Name.StartsWith(prefix, StringComparison.Ordinal)) matches.Add(e.Name);
            if (matches.Count != 1)
                throw new CoffreException(matches.Count == 0 ? $"no {type} with ID {prefix}" : $"{type} ID prefix {prefix} is ambiguous");
            var bytes = fileType == FileType.Key
                ? await repo.Backend.LoadAsync(new StorageHandle(fileType, matches[0]), ct)
                : await repo.LoadJsonAsync(fileType, matches[0], ct);
            using var stdout = Console.OpenStandardOutput();
            await stdout.WriteAsync(bytes, ct);
            if (bytes.Length == 0 || bytes[^1] != '\n') await stdout.WriteAsync("\n"u8.ToArray(), ct);
            return ExitCodes.Ok;
        });
        return cmd;
    }
}
