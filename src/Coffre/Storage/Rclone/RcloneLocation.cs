namespace Coffre.Storage.Rclone;

/// <summary>
/// A repository on any rclone remote: <c>rclone:remote:path</c> (restic's syntax), served by a child
/// <c>rclone serve restic --stdio remote:path</c>. The remote is defined in rclone's own configuration (its config
/// file, or <c>RCLONE_CONFIG_NAME_*</c> variables); connection strings with parameters
/// (<c>remote,key=value:path</c>) are refused, because they would put credentials on the child's command line.
/// </summary>
public sealed record RcloneLocation
{
    public const string Scheme = "rclone:";
    private const string Syntax = "rclone:remote:path (the remote defined in rclone's config or in RCLONE_CONFIG_<NAME>_* variables)";

    private RcloneLocation(string remote) => Remote = remote;

    /// <summary>What rclone serves, as rclone writes it: <c>remote:path</c>.</summary>
    public string Remote { get; }

    public static bool IsRcloneLocation(string text) => text.StartsWith(Scheme, StringComparison.Ordinal);

    /// <summary>Parses a location; the error never repeats the text (a connection string may hold a key).</summary>
    public static RcloneLocation Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!IsRcloneLocation(text)) throw Invalid("it does not start with rclone:");
        var remote = text[Scheme.Length..];
        if (remote.Length == 0) throw Invalid("it names no remote");
        if (remote.StartsWith('-')) throw Invalid("the remote starts with '-', which rclone would read as an option");
        if (remote.Any(char.IsControl)) throw Invalid("it holds control characters");
        var colon = remote.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0 && remote.AsSpan(0, colon).Contains(','))
            throw Invalid("connection-string parameters (remote,key=value:) would put them on rclone's command line; define the remote in rclone's config or in RCLONE_CONFIG_<NAME>_* variables");
        return new RcloneLocation(remote);
    }

    private static CoffreException Invalid(string why) => new($"not an rclone location ({why}): write it as {Syntax}");

    public override string ToString() => Scheme + Remote;
}
