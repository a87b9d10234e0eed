using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Coffre.IO;

namespace Coffre.Archives;

/// <summary>
/// <c>FILE.tar.gz.json</c>, the file the old backup script wrote beside each archive, with the same fields:
/// <code>
/// {"backup_file": "backup_complet_shop_20260129_093829.tar.gz", "timestamp": "20260129_093829",
///  "datetime": "2026-01-29T09:38:33.420423", "database": "shop", "type": "COMPLETE", "size_mb": 25.18,
///  "hash": "&lt;SHA-256 of the .tar.gz, lowercase hex&gt;", "includes": ["database", "media"], "status": "completed"}
/// </code>
/// Coffre adds <c>snapshot</c> (the exported snapshot's ID) and <c>application</c>. Times are local, without offset.
/// Every field may be missing when reading (an older or hand-written file); only <c>hash</c> is needed to verify.
/// </summary>
public sealed record ArchiveSidecar
{
    /// <summary>The archive's file name (no folder).</summary>
    public string? BackupFile { get; init; }
    /// <summary>The backup's local time, <c>YYYYMMDD_HHMMSS</c>.</summary>
    public string? Timestamp { get; init; }
    /// <summary>The backup's local time as Python's <c>isoformat()</c>, with microseconds.</summary>
    public string? Datetime { get; init; }
    /// <summary>The database's name on its server (several: joined with ",").</summary>
    public string? Database { get; init; }
    /// <summary>Always <c>COMPLETE</c> (database and media).</summary>
    public string? Type { get; init; }
    /// <summary>The archive's size in MiB (bytes / 1024 / 1024), rounded to 2 decimals.</summary>
    public double? SizeMb { get; init; }
    /// <summary>SHA-256 of the archive file, lowercase hex.</summary>
    public string? Hash { get; init; }
    /// <summary>What the archive holds: <c>database</c>, <c>media</c>.</summary>
    public List<string>? Includes { get; init; }
    /// <summary>Always <c>completed</c>.</summary>
    public string? Status { get; init; }
    /// <summary>Coffre only: the ID of the exported snapshot.</summary>
    public string? Snapshot { get; init; }
    /// <summary>Coffre only: the application's name.</summary>
    public string? Application { get; init; }

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
    };

    /// <summary>Where the sidecar of <paramref name="archivePath"/> is: the same name plus <c>.json</c>.</summary>
    public static string PathFor(string archivePath) => archivePath + ".json";

    /// <summary>The archive's size as the old script wrote it: MiB with 2 decimals.</summary>
    public static double SizeInMb(long bytes) => Math.Round(bytes / 1024.0 / 1024.0, 2, MidpointRounding.ToEven);

    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    /// <summary>Parses a sidecar; <paramref name="name"/> names it in the error.</summary>
    public static ArchiveSidecar Parse(ReadOnlySpan<byte> json, string name)
    {
        try { return JsonSerializer.Deserialize<ArchiveSidecar>(json, Json) ?? throw new CoffreException($"{name} is empty"); }
        catch (JsonException e) { throw new CoffreException($"{name} is not a valid sidecar ({e.Message})", e); }
    }

    /// <summary>The sidecar of <paramref name="archivePath"/>, or null when there is none. Throws when it cannot be parsed.</summary>
    public static ArchiveSidecar? TryRead(string archivePath)
    {
        var path = PathFor(archivePath);
        if (!File.Exists(path)) return null;
        return Parse(File.ReadAllBytes(path), path);
    }

    /// <summary>Writes the sidecar of <paramref name="archivePath"/> atomically (temp file, fsync, rename).</summary>
    public Task WriteAsync(string archivePath, bool overwrite, CancellationToken ct) =>
        AtomicFile.WriteAllBytesAsync(PathFor(archivePath), [.. ToJson(), (byte)'\n'], overwrite, 0x1A4 /* 0644 */, ct);

    /// <summary>Whether <paramref name="sha256"/> (hex) is the recorded hash (case-insensitive).</summary>
    public bool HashMatches(string sha256) => Hash is { } h && string.Equals(h.Trim(), sha256, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The backup's time: <c>datetime</c> when it falls in the same second as <c>timestamp</c> (it is then the same
    /// instant, more precisely), else <c>timestamp</c> (the old script took it when the backup started, as in the
    /// file's name, and <c>datetime</c> when it ended), else <c>datetime</c>; null when neither can be read.
    /// </summary>
    public DateTimeOffset? Time(TimeZoneInfo zone)
    {
        var hasStamp = ArchiveTime.TryParseStamp(Timestamp, zone, out var stamp);
        var hasIso = ArchiveTime.TryParseIso(Datetime, zone, out var iso);
        if (hasStamp && hasIso) return ArchiveTime.Stamp(iso, zone) == Timestamp ? iso : stamp;
        if (hasStamp) return stamp;
        return hasIso ? iso : null;
    }

    /// <summary>SHA-256 of a file, lowercase hex (read in one pass).</summary>
    public static async Task<string> ComputeHashAsync(string path, CancellationToken ct)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 20, FileOptions.SequentialScan | FileOptions.Asynchronous);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(file, ct).ConfigureAwait(false));
    }

    /// <summary>
    /// Checks <paramref name="archivePath"/> against its sidecar before anything is done with it: reads the sidecar
    /// (<c>FILE.json</c>), hashes the archive and compares. Returns the sidecar, or null when there is none (nothing to
    /// verify against: the caller decides whether to warn). Throws <see cref="CoffreException"/> (exit code 1) when
    /// the archive is missing, the sidecar cannot be read or records no hash, or the hashes differ.
    /// </summary>
    public static async Task<ArchiveSidecar?> VerifyAsync(string archivePath, CancellationToken ct)
    {
        if (!File.Exists(archivePath)) throw new CoffreException($"{archivePath} does not exist");
        var sidecar = TryRead(archivePath);
        if (sidecar is null) return null;
        if (sidecar.Hash is not { Length: > 0 }) throw new CoffreException($"{PathFor(archivePath)} records no hash: cannot verify {archivePath}");
        var actual = await ComputeHashAsync(archivePath, ct).ConfigureAwait(false);
        if (!sidecar.HashMatches(actual)) throw Mismatch(archivePath, actual, sidecar.Hash);
        return sidecar;
    }

    internal static CoffreException Mismatch(string archivePath, string actual, string recorded) => new(
        $"{archivePath} is damaged or is not the archive its sidecar describes: its SHA-256 is {actual[..16]}…, " +
        $"{Path.GetFileName(PathFor(archivePath))} records {recorded.Trim()[..Math.Min(16, recorded.Trim().Length)]}…; nothing was imported");
}
