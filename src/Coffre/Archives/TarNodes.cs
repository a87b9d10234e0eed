using System.Formats.Tar;
using System.Globalization;
using Coffre.Model;

namespace Coffre.Archives;

/// <summary>
/// A node's metadata in a tar entry and back: permissions (with setuid, setgid, sticky), modification time, uid,
/// gid, user and group names, and — as PAX <c>atime</c>/<c>ctime</c> records — access and change times. The
/// modification time goes through <see cref="TarEntry.ModificationTime"/>, so it keeps 100 ns (what .NET's tar
/// writer can write); times read from PAX records keep their nanoseconds.
/// </summary>
public static class TarNodes
{
    private const string AccessTimeKey = "atime";
    private const string ChangeTimeKey = "ctime";
    private const string ModificationTimeKey = "mtime";

    /// <summary>A PAX entry of <paramref name="type"/> named <paramref name="name"/> with <paramref name="node"/>'s metadata.</summary>
    public static PaxTarEntry ToEntry(Node node, TarEntryType type, string name)
    {
        var records = new Dictionary<string, string>(StringComparer.Ordinal);
        // restic records atime = mtime; a different one is written out, an equal one is implied.
        if (!node.AccessTime.IsZero && !SameInstant(node.AccessTime, node.ModTime)) records[AccessTimeKey] = FormatPaxTime(node.AccessTime);
        if (!node.ChangeTime.IsZero) records[ChangeTimeKey] = FormatPaxTime(node.ChangeTime);
        var entry = new PaxTarEntry(type, name, records)
        {
            Mode = (UnixFileMode)GoFileMode.ToUnixPermissions(node.Mode),
            ModificationTime = node.ModTime.IsZero ? DateTimeOffset.UnixEpoch : node.ModTime.ToDateTimeOffset(),
            Uid = node.Uid <= int.MaxValue ? (int)node.Uid : 0,
            Gid = node.Gid <= int.MaxValue ? (int)node.Gid : 0,
        };
        if (!string.IsNullOrEmpty(node.User)) entry.UserName = node.User;
        if (!string.IsNullOrEmpty(node.Group)) entry.GroupName = node.Group;
        return entry;
    }

    /// <summary>
    /// A node carrying the metadata of <paramref name="entry"/> (for <c>SnapshotComposer</c>'s templates). Times are
    /// shown in the local time zone, as for files backed up from disk; without an access or change time, the
    /// modification time stands for it (as restic does).
    /// </summary>
    public static Node FromEntry(TarEntry entry)
    {
        var records = entry is PaxTarEntry pax ? pax.ExtendedAttributes : null;
        var mtime = Time(records, ModificationTimeKey) ?? Local(entry.ModificationTime);
        var atime = Time(records, AccessTimeKey) ?? (entry is GnuTarEntry g && g.AccessTime > DateTimeOffset.UnixEpoch ? Local(g.AccessTime) : mtime);
        var ctime = Time(records, ChangeTimeKey) ?? (entry is GnuTarEntry h && h.ChangeTime > DateTimeOffset.UnixEpoch ? Local(h.ChangeTime) : mtime);
        var posix = entry as PosixTarEntry;
        return new Node
        {
            Name = [],
            Mode = GoFileMode.FromUnix((uint)entry.Mode & 0xFFF),
            ModTime = mtime,
            AccessTime = atime,
            ChangeTime = ctime,
            Uid = entry.Uid >= 0 ? (uint)entry.Uid : 0,
            Gid = entry.Gid >= 0 ? (uint)entry.Gid : 0,
            User = string.IsNullOrEmpty(posix?.UserName) ? null : posix.UserName,
            Group = string.IsNullOrEmpty(posix?.GroupName) ? null : posix.GroupName,
        };
    }

    /// <summary>A node with permissions <paramref name="permissions"/>, <paramref name="time"/> as every time, and this process's user.</summary>
    public static Node Made(uint permissions, DateTimeOffset time)
    {
        var t = GoTime.FromDateTimeOffset(time);
        var uid = Platform.Posix.EffectiveUserId;
        var gid = Platform.Posix.EffectiveGroupId;
        return new Node
        {
            Name = [],
            Mode = permissions,
            ModTime = t,
            AccessTime = t,
            ChangeTime = t,
            Uid = uid,
            Gid = gid,
            User = Platform.UserNames.UserName(uid),
            Group = Platform.UserNames.GroupName(gid),
        };
    }

    /// <summary>A PAX time record: seconds since the epoch, a dot and 9 digits of nanoseconds (negative: before 1970).</summary>
    public static string FormatPaxTime(GoTime t)
    {
        if (t.UnixSeconds >= 0 || t.Nanoseconds == 0)
            return string.Create(CultureInfo.InvariantCulture, $"{t.UnixSeconds}.{t.Nanoseconds:D9}");
        // -1.5 s is stored as (-2 s, 500000000 ns).
        return string.Create(CultureInfo.InvariantCulture, $"-{-(t.UnixSeconds + 1)}.{1_000_000_000 - t.Nanoseconds:D9}");
    }

    /// <summary>Reads a PAX time record (<c>1700000000</c>, <c>1700000000.5</c>, <c>-1.25</c>).</summary>
    public static bool TryParsePaxTime(string? text, out GoTime time)
    {
        time = default;
        if (string.IsNullOrEmpty(text)) return false;
        var negative = text[0] == '-';
        var body = negative ? text[1..] : text;
        var dot = body.IndexOf('.', StringComparison.Ordinal);
        var secText = dot < 0 ? body : body[..dot];
        var fraction = dot < 0 ? "" : body[(dot + 1)..];
        if (secText.Length == 0 || !long.TryParse(secText, NumberStyles.None, CultureInfo.InvariantCulture, out var sec)) return false;
        if (fraction.Any(c => c is < '0' or > '9')) return false;
        var ns = fraction.Length == 0 ? 0L : long.Parse(fraction.PadRight(9, '0')[..9], CultureInfo.InvariantCulture);
        time = negative
            ? GoTime.FromUnix(-sec, -ns, 0)
            : GoTime.FromUnix(sec, ns, 0);
        time = time with { OffsetSeconds = GoTime.LocalOffsetSeconds(time.UnixSeconds) };
        return true;
    }

    private static GoTime? Time(IReadOnlyDictionary<string, string>? records, string key) =>
        records is not null && records.TryGetValue(key, out var text) && TryParsePaxTime(text, out var t) ? t : null;

    private static GoTime Local(DateTimeOffset t)
    {
        var g = GoTime.FromDateTimeOffset(t);
        return g with { OffsetSeconds = GoTime.LocalOffsetSeconds(g.UnixSeconds) };
    }

    private static bool SameInstant(GoTime a, GoTime b) => a.UnixSeconds == b.UnixSeconds && a.Nanoseconds == b.Nanoseconds;
}
