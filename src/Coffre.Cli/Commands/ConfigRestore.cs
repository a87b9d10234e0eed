using System.CommandLine;
using System.Text;
using System.Text.Json.Nodes;
using Coffre.Cli.Output;
using Coffre.Configuration;
using Coffre.Application;
using Coffre.Jobs;
using Coffre.Application.Restore;
using Coffre.Recovery;

namespace Coffre.Cli.Commands;

/// <summary>
/// <c>coffre config restore [SNAPSHOT] -r LOCATION -o coffre.json [--set key=value ...]</c>: on a new machine, writes
/// the configuration an application backup carries (docs/recovery.md), pointed at LOCATION, with keys changed by
/// <c>--set</c>. The password is the usual one (<c>--password-file</c>, <c>$COFFRE_PASSWORD_FILE</c>,
/// <c>$COFFRE_PASSWORD</c>, a prompt), or the recovery code.
/// </summary>
internal static class ConfigRestore
{
    public static Command Create()
    {
        var snapshot = new Argument<string>("snapshot") { Description = "latest (default), an ID (prefix) or YYYYMMDD_HHMMSS", Arity = ArgumentArity.ZeroOrOne, DefaultValueFactory = _ => "latest" };
        var output = new Option<string>("--output", "-o") { Description = "The file to write (e.g. coffre.json)", Required = true, HelpName = "FILE" };
        var sets = new Option<string[]>("--set") { Description = "Change a key before writing: media[uploads].path=/srv/uploads, databases[main].host=db2 (repeatable)", HelpName = "KEY=VALUE" };
        var app = new Option<string?>("--app") { Description = "The application, when the repository holds backups of several", HelpName = "NAME" };
        var force = new Option<bool>("--force") { Description = "Replace FILE when it exists (the old one is kept as FILE.bak)" };
        var cmd = new Command("restore", "Write the configuration stored in a backup (a new machine: docs/recovery.md)") { snapshot, output, sets, app, force };
        CommandRunner.SetAction(cmd, async (pr, ct) =>
        {
            var location = RepositoryOpener.GivenLocation(pr)
                ?? throw new CoffreException("config restore: name the repository with -r LOCATION (where the backups are)", ExitCodes.NoRepository);
            var file = Path.GetFullPath(pr.GetValue(output)!);
            if ((File.Exists(file) || Directory.Exists(file)) && !pr.GetValue(force))
                throw new CoffreException($"{file} exists: nothing was written; add --force to replace it (the old one is kept as {Path.GetFileName(file)}.bak)");

            var repo = await RepositoryOpener.OpenAsync(pr, ct);
            var entry = await ResolveAsync(repo, pr.GetValue(snapshot)!, pr.GetValue(app), ct);
            var application = entry.Snapshot.Tags?.FirstOrDefault(t => t.StartsWith("app:", StringComparison.Ordinal))?["app:".Length..] ?? "?";
            var stamp = BackupStamp.Format(entry.Snapshot.Time.ToDateTimeOffset());
            var stored = await ConfigurationInBackup.ReadAsync(repo, entry.Snapshot.Tree, ct)
                ?? throw new CoffreException($"backup {entry.Id.ToShortString()} of {application} ({stamp}) holds no configuration: it was made by a Coffre "
                    + $"older than the configuration in backups ({StoredConfiguration.SnapshotPath}). Write coffre.json by hand (docs/configuration.md), "
                    + "or name a newer backup ('coffre snapshots -r LOCATION')");

            JsonObject root;
            try { root = JsonNode.Parse(stored) as JsonObject ?? throw new CoffreException("not a JSON object"); }
            catch (System.Text.Json.JsonException e)
            {
                throw new CoffreException($"{StoredConfiguration.SnapshotPath} of backup {entry.Id.ToShortString()} is not valid JSON ({e.Message}): the backup is damaged or forged", e);
            }
            var cwd = Directory.GetCurrentDirectory();
            ConfigurationEditor.SetRepository(root, location, cwd);
            foreach (var s in pr.GetValue(sets) ?? []) ConfigurationEditor.Set(root, s, cwd);

            var text = $"// Written by 'coffre config restore' from backup {entry.Id.ToShortString()} of {application} ({stamp}).\n"
                + root.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n";
            var backup = Write(file, Encoding.UTF8.GetBytes(text));
            var config = ConfigLoader.Load(file); // it must load as any coffre.json does
            var leftOut = LeftOut(await BackupManager.ReadMetadataAsync(repo, entry.Snapshot.Tree, ct));
            // A backup may be forged by whoever can write the repository, and coffre.json is code (hooks, password
            // and credential commands): name every command it would run, so they are read before the next step.
            var commands = Commands(root, "").ToList();

            if (pr.GetValue(GlobalOptions.Json))
                JsonText.Print(new
                {
                    message_type = "config_restore",
                    file,
                    snapshot = entry.Id.ToString(),
                    application = config.Application,
                    repository = config.Repository.LocationInForce,
                    replaced = backup,
                    left_out = leftOut,
                    commands,
                });
            else if (!pr.GetValue(GlobalOptions.Quiet))
            {
                Console.WriteLine($"wrote {file}: configuration of {config.Application} from backup {entry.Id.ToShortString()} ({stamp}), repository {config.Repository.LocationInForce}");
                if (backup is not null) Console.WriteLine($"  the file that was there is kept as {backup}");
                if (leftOut.Count > 0) Console.WriteLine($"  not stored in backups (may hold a secret), set again by hand: {string.Join(", ", leftOut)}");
                if (commands.Count > 0)
                {
                    Console.WriteLine("  it runs these commands: check each one is yours before using the file (a forged backup could add one):");
                    foreach (var c in commands) Console.WriteLine($"    {c}");
                }
                Console.WriteLine($"next: coffre restore latest -c {file} --force");
            }
            return ExitCodes.Ok;
        });
        return cmd;
    }

    /// <summary>Every command the configuration runs: the hooks, and each <c>…Command</c> / <c>command</c> source, as <c>key: value</c>.</summary>
    private static IEnumerable<string> Commands(JsonNode? node, string path)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    var at = path.Length == 0 ? key : $"{path}.{key}";
                    if (value is JsonValue or JsonArray && (key.EndsWith("Command", StringComparison.Ordinal) || key == "command" || path.StartsWith("hooks", StringComparison.Ordinal) || key == "hooks"))
                        yield return $"{at}: {Printable(value.ToJsonString())}";
                    else foreach (var c in Commands(value, at)) yield return c;
                }
                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                    foreach (var c in Commands(array[i], $"{path}[{i}]")) yield return c;
                break;
        }
    }

    /// <summary>Shown on a terminal: control characters escaped, at most 200 characters (the value comes from a backup).</summary>
    private static string Printable(string text)
    {
        var clean = new StringBuilder();
        foreach (var ch in text.Length > 200 ? text[..200] + "…" : text) clean.Append(char.IsControl(ch) ? $"\\u{(int)ch:x4}" : ch);
        return clean.ToString();
    }

    /// <summary>The backup: of the one application in the repository (or --app); an ID or stamp names its own.</summary>
    private static async Task<Repository.SnapshotEntry> ResolveAsync(Repository.Repository repo, string reference, string? app, CancellationToken ct)
    {
        if (app is not null) return await Repository.SnapshotResolver.ResolveAsync(repo, "app:" + app, reference, ct);
        if (reference != "latest")
        {
            var named = await Repository.SnapshotResolver.ResolveAsync(repo, null, reference, ct);
            if (named.Snapshot.Tags?.Any(t => t.StartsWith("app:", StringComparison.Ordinal)) != true)
                throw new CoffreException($"snapshot {named.Id.ToShortString()} is not an application backup (no app: tag): name one 'coffre snapshots' lists with app:NAME");
            return named;
        }
        var apps = (await repo.LoadSnapshotsAsync(ct)).SelectMany(s => s.Snapshot.Tags ?? [])
            .Where(t => t.StartsWith("app:", StringComparison.Ordinal)).Select(t => t["app:".Length..]).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return apps.Count switch
        {
            0 => throw new CoffreException("the repository holds no application backup (no snapshot tagged app:NAME)"),
            1 => await Repository.SnapshotResolver.ResolveAsync(repo, "app:" + apps[0], reference, ct),
            _ => throw new CoffreException($"the repository holds backups of {apps.Count} applications ({string.Join(", ", apps)}): choose one with --app NAME"),
        };
    }

    private static List<string> LeftOut(ApplicationMetadata? metadata) => metadata?.Configuration?.LeftOut.ToList() ?? [];

    /// <summary>Writes through a temporary file and a rename; an existing file is first kept as FILE.bak. Returns that name, or null.</summary>
    private static string? Write(string file, byte[] bytes)
    {
        var folder = Path.GetDirectoryName(file)!;
        Directory.CreateDirectory(folder);
        var temp = Path.Combine(folder, $".{Path.GetFileName(file)}.{Guid.NewGuid():N}.tmp");
        File.WriteAllBytes(temp, bytes);
        string? backup = null;
        if (File.Exists(file))
        {
            backup = file + ".bak";
            File.Copy(file, backup, overwrite: true);
        }
        File.Move(temp, file, overwrite: true);
        return backup;
    }
}
