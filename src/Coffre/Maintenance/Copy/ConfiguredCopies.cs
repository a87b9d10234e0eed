using Coffre.Configuration;
using Coffre.Storage;

namespace Coffre.Maintenance.Copy;

/// <summary>
/// coffre.json's <c>copies</c> as repositories: found by name or location (<c>coffre restore --from</c>) and opened
/// with their own credentials and password. Each copy's backend gets the process environment plus its own
/// <c>credentials</c>, never the primary's.
/// </summary>
public static class ConfiguredCopies
{
    /// <summary>The copy <paramref name="nameOrLocation"/> names (its <c>name</c>, or its location as given or made absolute), or null.</summary>
    public static CopySection? Find(CoffreConfig config, string? nameOrLocation)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (string.IsNullOrWhiteSpace(nameOrLocation)) return null;
        var byName = config.Copies.FirstOrDefault(c => string.Equals(c.Name, nameOrLocation, StringComparison.Ordinal));
        if (byName is not null) return byName;
        var wanted = Canonical(nameOrLocation);
        return wanted is null ? null : config.Copies.FirstOrDefault(c => c.Location is not null && Canonical(c.Location) == wanted);
    }

    /// <summary>The copy's storage, with its credentials added to <paramref name="environment"/>.</summary>
    public static IStorageBackend OpenBackend(CopySection copy, IReadOnlyDictionary<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(copy);
        var env = BackendCredentials.Apply(environment ?? BackendOpener.ProcessEnvironment(), copy.Credentials, $"copy {copy.Label}");
        return CopyLocations.Open(copy.Location ?? throw new CoffreException($"copy {copy.Label} has no location"), env);
    }

    /// <summary>The copy's repository (key and config, no index), or a <see cref="CoffreException"/> saying why it cannot be opened (exit 10 when there is none).</summary>
    public static async Task<Repository.Repository> OpenAsync(CopySection copy, IReadOnlyDictionary<string, string?>? environment, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(copy);
        var backend = OpenBackend(copy, environment);
        var password = PasswordSource.Resolve(copy, environment is null ? null : new Dictionary<string, string?>(environment, StringComparer.Ordinal));
        return await Repository.Repository.OpenAsync(backend, password, ct).ConfigureAwait(false);
    }

    private static string? Canonical(string location)
    {
        try { return RepositoryLocation.Canonical(location); }
        catch (CoffreException) { return null; }
    }
}
