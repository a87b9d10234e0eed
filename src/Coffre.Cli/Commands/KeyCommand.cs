using System.CommandLine;
using System.Text.Encodings.Web;
using System.Text.Json;
using Coffre.Cli.Output;
using Coffre.Maintenance.KeyRotation;
using Coffre.Platform;
using Coffre.Repository.Keys;
using Coffre.Repository.Locking;

namespace Coffre.Cli.Commands;

/// <summary>
/// <c>coffre key list|add|remove|passwd|rotate-master</c>: the repository's key files, as restic's <c>key</c>
/// command manages them, plus the recovery key and the replacement of a leaked master key.
/// </summary>
internal static class KeyCommand
{
    /// <summary>restic's field names for <c>key list --json</c> (current, id, userName, hostName, created).</summary>
    private static readonly JsonSerializerOptions ResticJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create()
    {
        var cmd = new Command("key", "Manage the passwords (key files) that open the repository, and its master key");
        cmd.Subcommands.Add(List());
        cmd.Subcommands.Add(Add());
        cmd.Subcommands.Add(Remove());
        cmd.Subcommands.Add(Passwd());
        cmd.Subcommands.Add(RotateMaster());
        return cmd;
    }

    private static Option<string?> NewPasswordFile() => new("--new-password-file")
    {
        Description = "Read the new password from this file (mode 0600); default: asked twice on a terminal",
    };

    private static Option<string?> User() => new("--user") { Description = "User name recorded in the new key (default: the current user)" };

    private static Option<string?> Host() => new("--host") { Description = "Host name recorded in the new key (default: this machine's)" };

    private static Command List()
    {
        var cmd = new Command("list", "List the keys: ID (* = the one in use), user, host, creation time, recovery key");
        CommandRunner.SetAction(cmd, async (pr, ct) =>
        {
            var repo = await RepositoryOpener.OpenAsync(pr, ct, loadIndex: false);
            List<KeyInfo> keys;
            var damaged = new List<string>();
            await using (var _ = await RepositoryLock.AcquireAsync(repo, exclusive: false, TimeProvider.System, ct))
                keys = await KeyManager.ListAsync(repo, ct, damaged);
            foreach (var d in damaged) Console.Error.WriteLine($"coffre: warning: {d}");
            if (pr.GetValue(GlobalOptions.Json))
            {
                Console.WriteLine(JsonSerializer.Serialize(keys.Select(k => new Dictionary<string, object>
                {
                    ["current"] = k.IsCurrent,
                    ["id"] = k.ShortId,
                    ["userName"] = k.Username,
                    ["hostName"] = k.Hostname,
                    ["created"] = Created(k),
                    ["recovery"] = k.IsRecovery,
                }), ResticJson));
                return ExitCodes.Ok;
            }
            var userWidth = Math.Max(4, keys.Select(k => k.Username.Length).DefaultIfEmpty().Max());
            var hostWidth = Math.Max(4, keys.Select(k => k.Hostname.Length).DefaultIfEmpty().Max());
            var header = $" {"ID",-9} {Pad("User", userWidth)}  {Pad("Host", hostWidth)}  Created";
            var rule = new string('-', header.Length + 22);
            Console.WriteLine(header);
            Console.WriteLine(rule);
            foreach (var k in keys)
                Console.WriteLine($"{(k.IsCurrent ? '*' : ' ')}{k.ShortId,-9} {Pad(k.Username, userWidth)}  {Pad(k.Hostname, hostWidth)}  {Created(k)}{(k.IsRecovery ? "  recovery key" : "")}");
            Console.WriteLine(rule);
            return ExitCodes.Ok;
        });
        return cmd;
    }

    private static Command Add()
    {
        var file = NewPasswordFile();
        var user = User();
        var host = Host();
        var recovery = new Option<bool>("--recovery") { Description = "Add a recovery key instead: a new random recovery code, shown once" };
        var cmd = new Command("add", "Add a password: a new key file for the same master key") { file, user, host, recovery };
        CommandRunner.SetAction(cmd, async (pr, ct) =>
        {
            var repo = await RepositoryOpener.OpenAsync(pr, ct, loadIndex: false);
            await using var _ = await RepositoryLock.AcquireAsync(repo, exclusive: false, TimeProvider.System, ct);
            if (pr.GetValue(recovery))
            {
                var (key, code) = await KeyManager.AddRecoveryAsync(repo, TimeProvider.System, ct);
                if (pr.GetValue(GlobalOptions.Json)) JsonText.Print(new { message_type = "key_added", id = key.Id, recovery = true, recovery_key = code });
                else
                {
                    if (!pr.GetValue(GlobalOptions.Quiet)) Console.WriteLine($"saved recovery key {key.ShortId}");
                    RecoveryNotice.Print(code);
                }
                return ExitCodes.Ok;
            }
            var password = PasswordReader.ReadNew(pr.GetValue(file));
            var added = await KeyManager.AddAsync(repo, password, UserName(pr, user), HostName(pr, host), TimeProvider.System, ct);
            Report(pr, "key_added", $"saved new key {added.ShortId} ({added.Username}@{added.Hostname})", added.Id);
            return ExitCodes.Ok;
        });
        return cmd;
    }

    private static Command Remove()
    {
        var id = new Argument<string>("id") { Description = "ID (or unique prefix) of the key, as 'coffre key list' shows it" };
        var force = new Option<bool>("--force") { Description = "Also remove the key in use (this password will no longer open the repository)" };
        var cmd = new Command("remove", "Remove a key (never the last one; the one in use only with --force)") { id, force };
        CommandRunner.SetAction(cmd, async (pr, ct) =>
        {
            var repo = await RepositoryOpener.OpenAsync(pr, ct, loadIndex: false);
            await using var _ = await RepositoryLock.AcquireAsync(repo, exclusive: true, TimeProvider.System, ct);
            var removed = await KeyManager.RemoveAsync(repo, pr.GetValue(id)!, pr.GetValue(force), ct);
            Report(pr, "key_removed", $"removed key {removed.ShortId} ({removed.Username}@{removed.Hostname}{(removed.IsRecovery ? ", the recovery key" : "")})", removed.Id);
            return ExitCodes.Ok;
        });
        return cmd;
    }

    private static Command Passwd()
    {
        var file = NewPasswordFile();
        var user = User();
        var host = Host();
        var cmd = new Command("passwd", "Change the password: add a key for the new password, then remove the key in use") { file, user, host };
        CommandRunner.SetAction(cmd, async (pr, ct) =>
        {
            var repo = await RepositoryOpener.OpenAsync(pr, ct, loadIndex: false);
            await using var _ = await RepositoryLock.AcquireAsync(repo, exclusive: true, TimeProvider.System, ct);
            var password = PasswordReader.ReadNew(pr.GetValue(file));
            var (added, removed) = await KeyManager.ChangePasswordAsync(repo, password, UserName(pr, user), HostName(pr, host), TimeProvider.System, ct);
            Report(pr, "password_changed", $"saved new key {added.ShortId} ({added.Username}@{added.Hostname}) and removed the old key {removed.ShortId}", added.Id);
            return ExitCodes.Ok;
        });
        return cmd;
    }

    private static Command RotateMaster()
    {
        var others = new Option<string[]>("--other-password-file")
        {
            Description = "The password of another key to keep (repeatable; mode 0600); its key is re-wrapped under the new master key",
            AllowMultipleArgumentsPerToken = false,
        };
        var removeOthers = new Option<bool>("--remove-other-keys") { Description = "Drop the keys whose password was not given (otherwise the rotation refuses)" };
        var noRecovery = new Option<bool>("--no-recovery-key") { Description = "Make no new recovery code (the old one stops working either way)" };
        var abort = new Option<bool>("--abort") { Description = "Drop an interrupted rotation that has not begun switching (the old master key stays)" };
        var cmd = new Command("rotate-master",
            "Replace a leaked master key: re-encrypt every pack, index, snapshot, the config and the key files under a new one (resumable)")
            { others, removeOthers, noRecovery, abort };
        CommandRunner.SetAction(cmd, async (pr, ct) =>
        {
            var backend = RepositoryOpener.Backend(pr);
            var password = RepositoryOpener.Password(pr, confirm: false);
            var json = pr.GetValue(GlobalOptions.Json);
            var quiet = pr.GetValue(GlobalOptions.Quiet);
            if (pr.GetValue(abort))
            {
                var dropped = await MasterKeyRotation.AbortAsync(backend, password, TimeProvider.System, ct);
                if (json) JsonText.Print(new { message_type = "rotation_aborted", packs_removed = dropped });
                else if (!quiet) Console.WriteLine($"rotation aborted: {dropped} re-encrypted pack(s) removed; the repository keeps its master key");
                return ExitCodes.Ok;
            }
            var otherPasswords = (pr.GetValue(others) ?? []).Select(f => (f, PasswordReader.FromFile(f))).ToList();
            var options = new RotationOptions(otherPasswords, pr.GetValue(removeOthers), !pr.GetValue(noRecovery));
            var progress = new RotationReporter(!json && !quiet && !Console.IsErrorRedirected);
            var result = await MasterKeyRotation.RunAsync(backend, password, options, TimeProvider.System, progress, ct);
            progress.Done();
            if (json)
            {
                JsonText.Print(new
                {
                    message_type = "master_key_rotated",
                    resumed = result.Resumed,
                    keys = result.KeysWritten,
                    keys_removed = result.KeysRemoved,
                    packs = result.Packs,
                    snapshots = result.Snapshots,
                    index_files = result.IndexFiles,
                    old_packs_removed = result.UnreferencedPacksRemoved,
                    recovery_key = result.RecoveryCode,
                });
                return ExitCodes.Ok;
            }
            if (!quiet)
            {
                Console.WriteLine($"master key replaced{(result.Resumed ? " (an interrupted rotation was finished)" : "")}: {result.Packs} pack(s), "
                    + $"{result.Snapshots} snapshot(s) and {result.IndexFiles} index file(s) re-encrypted; {result.UnreferencedPacksRemoved} old pack(s) removed");
                Console.WriteLine($"keys now: {string.Join(", ", result.KeysWritten)}");
                foreach (var k in result.KeysRemoved) Console.WriteLine($"removed key {k}: its password no longer opens the repository");
                Console.WriteLine("Snapshot IDs have changed (each snapshot file was sealed again); see 'coffre snapshots'.");
            }
            if (result.RecoveryCode is not null) RecoveryNotice.Print(result.RecoveryCode);
            return ExitCodes.Ok;
        });
        return cmd;
    }

    private static void Report(ParseResult pr, string messageType, string text, string id)
    {
        if (pr.GetValue(GlobalOptions.Json)) JsonText.Print(new { message_type = messageType, id });
        else if (!pr.GetValue(GlobalOptions.Quiet)) Console.WriteLine(text);
    }

    private static string UserName(ParseResult pr, Option<string?> user) => pr.GetValue(user) is { Length: > 0 } u ? u : Environment.UserName;

    private static string HostName(ParseResult pr, Option<string?> host) => pr.GetValue(host) is { Length: > 0 } h ? h : Posix.GetHostName();

    private static string Created(KeyInfo k) => k.Created.IsZero ? "" : $"{k.Created.ToDateTimeOffset().ToLocalTime():yyyy-MM-dd HH:mm:ss}";

    private static string Pad(string s, int width) => s.PadRight(width);

    /// <summary>Rotation progress on stderr, one rewriting line on a terminal.</summary>
    private sealed class RotationReporter(bool enabled) : IProgress<RotationProgress>
    {
        private readonly Lock _lock = new();

        public void Report(RotationProgress value)
        {
            if (!enabled) return;
            var text = value.Step switch
            {
                RotationStep.PackReencrypted => $"re-encrypting packs: {value.Done}/{value.Total}",
                RotationStep.PacksVerified => $"verified {value.Total} new pack(s)",
                RotationStep.Prepared => "prepared; replacing the old objects",
                RotationStep.SwitchOldPacksRemoved => "old objects removed",
                _ => null,
            };
            if (text is null) return;
            lock (_lock) Console.Error.Write($"\r\x1b[K{text}");
        }

        public void Done()
        {
            if (enabled) Console.Error.Write("\r\x1b[K");
        }
    }
}
