using System.Security.Cryptography;
using System.Text;

namespace Coffre.Storage;

/// <summary>
/// Where the local state that is not the repository lives (the journal and logs, the incident store, the
/// service's keys: all in its <c>logs</c> folder). The one resolver every such place goes through:
/// <list type="bullet">
/// <item>coffre.json's <c>repository.state</c> when it sets one;</item>
/// <item>a local repository: its parent folder, as always (<c>/srv/boutique/backups</c> keeps its logs in
/// <c>/srv/boutique/logs</c>): nothing moves for existing users;</item>
/// <item>a remote one: <c>$XDG_STATE_HOME/coffre/&lt;id&gt;</c> (default <c>~/.local/state</c>), or
/// <c>/var/lib/coffre/&lt;id&gt;</c> as root, where &lt;id&gt; is a hash of the location without its credentials,
/// so two repositories never share a journal.</item>
/// </list>
/// </summary>
public static class StateFolder
{
    /// <summary>The state folder, or null when no repository is known.</summary>
    public static string? Resolve(string? configured, string? repository, IReadOnlyDictionary<string, string?>? environment = null)
    {
        if (!string.IsNullOrWhiteSpace(configured)) return Path.GetFullPath(configured);
        if (string.IsNullOrWhiteSpace(repository)) return null;
        RepositoryLocation location;
        try { location = RepositoryLocation.Parse(repository); }
        catch (CoffreException) { return null; }
        if (location.IsLocal) return Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(location.Text)));
        return Path.Combine(RemoteRoot(environment), Id(location));
    }

    /// <summary>A short, stable name for a remote location: its credentials never enter it.</summary>
    public static string Id(RepositoryLocation location)
    {
        ArgumentNullException.ThrowIfNull(location);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(location.ToString()));
        return $"{location.Kind}-{Convert.ToHexStringLower(hash.AsSpan(0, 8))}";
    }

    private static string RemoteRoot(IReadOnlyDictionary<string, string?>? environment)
    {
        string? Get(string name) => environment is null ? Environment.GetEnvironmentVariable(name) : environment.GetValueOrDefault(name);
        if (Platform.Posix.EffectiveUserId == 0) return "/var/lib/coffre";
        if (Get("XDG_STATE_HOME") is { Length: > 0 } xdg && Path.IsPathRooted(xdg)) return Path.Combine(xdg, "coffre");
        var home = Get("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(home, ".local", "state", "coffre");
    }
}
