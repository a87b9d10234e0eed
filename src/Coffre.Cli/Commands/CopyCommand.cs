using System.CommandLine;
using System.Text;
using Coffre.Cli.Journal;
using Coffre.Cli.Output;
using Coffre.Configuration;
using Coffre.Maintenance.Copy;
using Coffre.Repository.Locking;

namespace Coffre.Cli.Commands;

/// <summary>
/// `coffre -r DEST copy --from-repo SRC [SNAPSHOT...]`: restic 0.14's copy (docs/copies.md). Without --from-repo and
/// with a coffre.json, every snapshot of the configured repository a copy lacks goes to each of its `copies`.
/// Exit 3 when a source snapshot is refused (damaged data); 1 when a copy fails as a whole.
/// </summary>
internal static class CopyCommand
{
    public static readonly Option<string?> FromRepo = new("--from-repo")
    {
        Description = "Source repository location to copy snapshots from; default: $COFFRE_FROM_REPOSITORY",
        HelpName = "LOCATION",
    };

    public static readonly Option<string?> FromPasswordFile = new("--from-password-file")
    {
        Description = "Read the source repository's password from this file (mode 0600); default: $COFFRE_FROM_PASSWORD_FILE, $COFFRE_FROM_PASSWORD or a prompt",
        HelpName = "FILE",
    };

    public static Command Create()
    {
        var ids = new Argument<string[]>("snapshot") { Description = "Snapshots to copy (IDs, unique prefixes or 'latest'); none: every snapshot the destination lacks", Arity = ArgumentArity.ZeroOrMore };
        var hosts = new Option<string[]>("--host") { Description = "Only snapshots of this host (repeatable)", HelpName = "HOST" };
        var tags = new Option<string[]>("--tag") { Description = "Only snapshots with these tags (a,b: both; repeatable)", HelpName = "TAGS" };
        var paths = new Option<string[]>("--path") { Description = "Only snapshots that include this path (repeatable: all of them)", HelpName = "PATH" };
        var cmd = new Command("copy", "Copy snapshots from another repository (only the data the destination lacks travels)")
        {
            ids, FromRepo, FromPasswordFile, hosts, tags, paths,
        };
        CommandRunner.SetAction(cmd, async (pr, ct) =>
        {
            var filter = new SnapshotFilter
            {
                Hosts = pr.GetValue(hosts) ?? [],
                Tags = SnapshotFilter.TagGroups(pr.GetValue(tags) ?? []),
                Paths = pr.GetValue(paths) ?? [],
            };
            var snapshots = pr.GetValue(ids) ?? [];
            var json = pr.GetValue(GlobalOptions.Json);
            var quiet = pr.GetValue(GlobalOptions.Quiet);
            Action<string> say = json || quiet ? _ => { } : Console.WriteLine;
            var reports = new List<object>();
            int code;
            if (FromLocation(pr) is { } from)
            {
                var source = await OpenSourceAsync(pr, from, ct);
                var destination = await RepositoryOpener.OpenAsync(pr, ct, loadIndex: false);
                var result = await RepositoryCopy.RunAsync(source, destination, snapshots, filter, TimeProvider.System, say, ct);
                reports.Add(Report(source.Backend.Location, destination.Backend.Location, result, null));
                code = Finish(result, destination.Backend.Location, say);
            }
            else code = await CopyToConfiguredCopiesAsync(pr, snapshots, filter, say, reports, ct);
            if (json) JsonText.Print(new { message_type = "summary", copies = reports });
            return code;
        });
        return cmd;
    }

    /// <summary>No --from-repo: coffre.json's repository to each of its copies; one that fails does not stop the others.</summary>
    private static async Task<int> CopyToConfiguredCopiesAsync(ParseResult pr, string[] snapshots, SnapshotFilter filter, Action<string> say, List<object> reports, CancellationToken ct)
    {
        if (!AppConfig.IsPresent(pr))
            throw new CoffreException("no source repository: use --from-repo LOCATION or set COFFRE_FROM_REPOSITORY (or run where a coffre.json with \"copies\" is)");
        var config = AppConfig.Load(pr);
        if (config.Copies.Count == 0)
            throw new CoffreException($"{config.FilePath} names no copies: add a \"copies\" list (docs/copies.md), or use --from-repo LOCATION");
        var source = await RepositoryOpener.OpenAsync(pr, ct, loadIndex: false);
        // One lock and one index load of the source for every copy (each copy also takes its own shared lock).
        await using var sourceLock = await RepositoryLock.AcquireThenLoadIndexAsync(source, exclusive: false, TimeProvider.System, ct);
        var code = ExitCodes.Ok;
        var failures = new List<string>();
        // Each copy's outcome goes to the journal (how far behind each copy is: metrics, doctor).
        RunContext.Current.ForApplication(config);
        var outcomes = new List<Jobs.CopyOutcome>();
        foreach (var copy in config.Copies)
        {
            say($"\ncopy to {copy}:");
            try
            {
                var destination = await ConfiguredCopies.OpenAsync(copy, null, ct);
                var result = await RepositoryCopy.RunAsync(source, destination, snapshots, filter, TimeProvider.System, say, ct, sourceIndexLoaded: true);
                reports.Add(Report(source.Backend.Location, destination.Backend.Location, result, null));
                code = Math.Max(code, Finish(result, destination.Backend.Location, say));
                outcomes.Add(new Jobs.CopyOutcome(CopyLags.JournalName(copy), null, result, null,
                    result.Complete ? null : $"{result.Refused.Count} snapshot(s) not copied (damaged in the source)"));
            }
            catch (Exception e) when ((e is CoffreException or IOException or UnauthorizedAccessException) && !ct.IsCancellationRequested)
            {
                Console.Error.WriteLine($"coffre: copy to {copy} failed: {e.Message}");
                reports.Add(Report(source.Backend.Location, copy.ToString(), null, e.Message));
                failures.Add($"{copy}: {e.Message}");
                outcomes.Add(new Jobs.CopyOutcome(CopyLags.JournalName(copy), null, null, null, e.Message));
            }
        }
        RunContext.Current.CopiesDone(outcomes);
        if (failures.Count == 0) return code;
        RunContext.Current.Problem = $"{failures.Count} of {config.Copies.Count} copies failed, first {failures[0]}";
        throw new CoffreException(RunContext.Current.Problem);
    }

    private static int Finish(CopyResult result, string destination, Action<string> say)
    {
        say($"{result.Copied.Count} snapshot(s) copied to {destination}, {result.AlreadyThere.Count} already there; {result.BlobsCopied} blobs ({Units.Bytes(result.BytesCopied)}, {Units.Bytes(result.BytesStored)} stored) travelled");
        if (result.Complete) return ExitCodes.Ok;
        foreach (var r in result.Refused)
            Console.Error.WriteLine($"coffre: snapshot {r.Source[..Math.Min(8, r.Source.Length)]} not copied: {r.Reason}");
        RunContext.Current.Problem = $"{result.Refused.Count} snapshot(s) not copied (damaged in the source), first {result.Refused[0].Source[..Math.Min(8, result.Refused[0].Source.Length)]}: {result.Refused[0].Reason}";
        return ExitCodes.IncompleteSource;
    }

    private static object Report(string source, string destination, CopyResult? r, string? error) => new
    {
        source,
        destination,
        copied = r?.Copied.Select(c => new { source = c.Source.ToString(), copy = c.Copy.ToString() }),
        already_there = r?.AlreadyThere.Select(c => new { source = c.Source.ToString(), existing = c.Existing.ToString() }),
        refused = r?.Refused.Select(c => new { snapshot = c.Source, reason = c.Reason }),
        blobs_copied = r?.BlobsCopied,
        bytes_copied = r?.BytesCopied,
        bytes_stored = r?.BytesStored,
        error,
    };

    /// <summary>--from-repo, else $COFFRE_FROM_REPOSITORY; null when neither names one.</summary>
    public static string? FromLocation(ParseResult pr) =>
        pr.GetValue(FromRepo) is { Length: > 0 } given ? given
        : Environment.GetEnvironmentVariable("COFFRE_FROM_REPOSITORY") is { Length: > 0 } env ? env : null;

    /// <summary>Opens the source repository (no index, no lock) with its own password: --from-password-file, $COFFRE_FROM_PASSWORD_FILE, $COFFRE_FROM_PASSWORD, else a prompt.</summary>
    public static async Task<Repository.Repository> OpenSourceAsync(ParseResult pr, string location, CancellationToken ct)
    {
        var backend = CopyLocations.Open(location);
        if (!await backend.ExistsAsync(ct))
            throw new CoffreException($"no source repository at {backend.Location}: check --from-repo / COFFRE_FROM_REPOSITORY", ExitCodes.NoRepository);
        return await Repository.Repository.OpenAsync(backend, FromPassword(pr), ct);
    }

    private static byte[] FromPassword(ParseResult pr)
    {
        var file = pr.GetValue(FromPasswordFile) ?? Environment.GetEnvironmentVariable("COFFRE_FROM_PASSWORD_FILE");
        if (!string.IsNullOrEmpty(file)) return PasswordReader.FromFile(file);
        if (Environment.GetEnvironmentVariable("COFFRE_FROM_PASSWORD") is { } env) return Encoding.UTF8.GetBytes(env);
        if (Console.IsInputRedirected)
            throw new CoffreException("no password for the source repository: set COFFRE_FROM_PASSWORD, or use --from-password-file FILE (mode 0600)");
        return Encoding.UTF8.GetBytes(PasswordReader.Prompt("enter password for source repository: "));
    }
}
