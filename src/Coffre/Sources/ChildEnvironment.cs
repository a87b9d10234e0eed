using System.Collections;
using System.Diagnostics;

namespace Coffre.Sources;

/// <summary>
/// The environment a child process starts with: never Coffre's whole environment (which holds the repository
/// password variable, other databases' passwords, the service's secrets), only the variables a program needs to run
/// as this user (<see cref="Minimal"/>) plus those its kind of child needs (a database tool's own <c>PG*</c> or
/// <c>MYSQL_*</c> variables, a password command's agent sockets), then the values Coffre sets for it (its own
/// password). A name ending in <c>*</c> is a prefix.
/// </summary>
internal sealed class ChildEnvironment
{
    /// <summary>What every child gets from Coffre's environment: search path, home, user, locale, time zone, temp folder.</summary>
    public static readonly IReadOnlyList<string> Minimal =
        ["PATH", "HOME", "USER", "LOGNAME", "SHELL", "LANG", "LANGUAGE", "LC_*", "TZ", "TMPDIR", "TERM"];

    /// <summary>A hook (e.g. <c>systemctl stop app</c>, also <c>systemctl --user</c>): the minimal set and the session bus.</summary>
    public static readonly ChildEnvironment Hook = new(["XDG_RUNTIME_DIR", "DBUS_SESSION_BUS_ADDRESS"]);

    /// <summary>
    /// A password command (<c>pass</c>, <c>gpg</c>, <c>secret-tool</c>, <c>systemd-creds</c>...): the minimal set and
    /// what reaches the user's agents and keyrings. Credentials of other stores come from the user's files (HOME) or
    /// are set in the command itself.
    /// </summary>
    public static readonly ChildEnvironment PasswordCommand = new(
        ["XDG_*", "DBUS_SESSION_BUS_ADDRESS", "GNUPGHOME", "GPG_TTY", "GPG_AGENT_INFO", "PINENTRY_USER_DATA",
         "PASSWORD_STORE_*", "SSH_AUTH_SOCK", "DISPLAY", "WAYLAND_DISPLAY", "CREDENTIALS_DIRECTORY"]);

    /// <summary>A database tool or any other child: the minimal set only.</summary>
    public static readonly ChildEnvironment Tool = new([]);

    private readonly string[] _exact;
    private readonly string[] _prefixes;
    private readonly string[] _except;

    /// <param name="inherit">Variables kept from Coffre's environment besides <see cref="Minimal"/>.</param>
    /// <param name="except">Variables never kept, even when <paramref name="inherit"/> matches them.</param>
    public ChildEnvironment(IEnumerable<string> inherit, IEnumerable<string>? except = null)
    {
        var all = Minimal.Concat(inherit).ToList();
        _exact = all.Where(n => !n.EndsWith('*')).ToArray();
        _prefixes = all.Where(n => n.EndsWith('*')).Select(n => n[..^1]).ToArray();
        _except = except?.ToArray() ?? [];
    }

    /// <summary>Whether <paramref name="name"/> is passed on from Coffre's environment.</summary>
    public bool Keeps(string name)
        => !_except.Contains(name, StringComparer.Ordinal)
           && (_exact.Contains(name, StringComparer.Ordinal) || _prefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal)));

    /// <summary>
    /// Replaces <paramref name="info"/>'s environment (a copy of Coffre's) by the kept variables, then applies
    /// <paramref name="set"/> (a null value removes the variable).
    /// </summary>
    public void ApplyTo(ProcessStartInfo info, IEnumerable<KeyValuePair<string, string?>>? set = null)
    {
        ArgumentNullException.ThrowIfNull(info);
        var environment = info.Environment;
        var inherited = Environment.GetEnvironmentVariables();
        environment.Clear();
        foreach (DictionaryEntry e in inherited)
        {
            if (e.Key is string name && e.Value is string value && Keeps(name)) environment[name] = value;
        }
        foreach (var (key, value) in set ?? [])
        {
            if (value is null) environment.Remove(key);
            else environment[key] = value;
        }
    }
}
