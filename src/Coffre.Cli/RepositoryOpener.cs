using System.CommandLine;
using Coffre.Configuration;
using Coffre.Storage;

namespace Coffre.Cli;

/// <summary>
/// Turns the global options into a backend and an opened repository. The repository is -r/--repo, else
/// $COFFRE_REPOSITORY, else the configuration's; the password is --password-file, $COFFRE_PASSWORD_FILE or
/// $COFFRE_PASSWORD, else the configuration's password source, else a prompt.
/// </summary>
internal static class RepositoryOpener
{
    public static IStorageBackend Backend(ParseResult pr)
    {
        var location = GivenLocation(pr);
        var environment = BackendOpener.ProcessEnvironment();
        if (location is null && AppConfig.IsPresent(pr))
        {
            // coffre.json's repository, with its credentials (repository.credentials) on top of the environment's.
            var repository = AppConfig.Load(pr).Repository;
            location = repository.LocationInForce;
            environment = BackendCredentials.Apply(environment, repository.Credentials, "repository");
        }
        if (string.IsNullOrEmpty(location))
            throw new CoffreException("no repository given: use -r/--repo LOCATION, set COFFRE_REPOSITORY, or run where coffre.json is", ExitCodes.NoRepository);
        return BackendOpener.Open(RepositoryLocation.Parse(location), environment);
    }

    /// <summary>-r/--repo, else $COFFRE_REPOSITORY; null when neither names one (the configuration's comes next).</summary>
    public static string? GivenLocation(ParseResult pr) =>
        pr.GetValue(GlobalOptions.Repo) is { Length: > 0 } given ? given
        : Environment.GetEnvironmentVariable("COFFRE_REPOSITORY") is { Length: > 0 } env ? env : null;

    public static byte[] Password(ParseResult pr, bool confirm)
    {
        var file = pr.GetValue(GlobalOptions.PasswordFile);
        var explicitSource = file is not null
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("COFFRE_PASSWORD_FILE"))
            || Environment.GetEnvironmentVariable("COFFRE_PASSWORD") is not null;
        if (!explicitSource && AppConfig.IsPresent(pr)) return PasswordSource.Resolve(AppConfig.Load(pr).Repository);
        return PasswordReader.Read(file, confirm);
    }

    /// <param name="wrap">Decorates the backend (e.g. to observe every change) before the repository is opened.</param>
    public static async Task<Repository.Repository> OpenAsync(ParseResult pr, CancellationToken ct, bool loadIndex = true, Func<IStorageBackend, IStorageBackend>? wrap = null)
    {
        var backend = Backend(pr);
        if (wrap is not null) backend = wrap(backend);
        if (!await backend.ExistsAsync(ct).ConfigureAwait(false))
            throw new CoffreException($"no repository at {backend.Location}: check the path, or create one with 'coffre init'", ExitCodes.NoRepository);
        var repo = await Repository.Repository.OpenAsync(backend, Password(pr, confirm: false), ct).ConfigureAwait(false);
        if (loadIndex) await repo.LoadIndexAsync(ct).ConfigureAwait(false);
        return repo;
    }

    /// <summary>
    /// Opens the repository for reading only (<c>snapshots</c>, <c>ls</c>, <c>cat</c>): the object handed back has
    /// no method that writes, so these commands cannot change the repository.
    /// </summary>
    public static async Task<Repository.RepositoryReader> OpenReaderAsync(ParseResult pr, CancellationToken ct, bool loadIndex = true)
    {
        var backend = Backend(pr);
        if (!await backend.ExistsAsync(ct).ConfigureAwait(false))
            throw new CoffreException($"no repository at {backend.Location}: check the path, or create one with 'coffre init'", ExitCodes.NoRepository);
        var repo = await Repository.RepositoryReader.OpenAsync(backend, Password(pr, confirm: false), ct).ConfigureAwait(false);
        if (loadIndex) await repo.LoadIndexAsync(ct).ConfigureAwait(false);
        return repo;
    }
}
