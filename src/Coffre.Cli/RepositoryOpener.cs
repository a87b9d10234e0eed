using System.CommandLine;
using Coffre.Storage;
using Coffre.Storage.Local;

namespace Coffre.Cli;

/// <summary>Turns the global options into a backend and an opened repository.</summary>
internal static class RepositoryOpener
{
    public static IStorageBackend Backend(ParseResult pr)
    {
        var location = pr.GetValue(GlobalOptions.Repo) ?? Environment.GetEnvironmentVariable("COFFRE_REPOSITORY");
        if (string.IsNullOrEmpty(location))
            throw new CoffreException("no repository given: use -r/--repo PATH or set COFFRE_REPOSITORY", ExitCodes.NoRepository);
        return new LocalBackend(location);
    }

    public static async Task<Repository.Repository> OpenAsync(ParseResult pr, CancellationToken ct, bool loadIndex = true)
    {
        var backend = Backend(pr);
        if (!await backend.ExistsAsync(ct).ConfigureAwait(false))
            throw new CoffreException($"no repository at {backend.Location}: check the path, or create one with 'coffre init'", ExitCodes.NoRepository);
        var password = PasswordReader.Read(pr.GetValue(GlobalOptions.PasswordFile), confirm: false);
        var repo = await Repository.Repository.OpenAsync(backend, password, ct).ConfigureAwait(false);
        if (loadIndex) await repo.LoadIndexAsync(ct).ConfigureAwait(false);
        return repo;
    }
}
