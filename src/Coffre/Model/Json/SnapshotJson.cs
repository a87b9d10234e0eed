using System.Text.Json;

namespace Coffre.Model.Json;

/// <summary>Snapshot JSON as restic writes it (Go <c>json.Marshal</c>, compact, no trailing newline; format doc §9).</summary>
public static class SnapshotJson
{
    public static byte[] Serialize(Snapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var w = new GoJsonWriter(512);
        w.WriteStartObject();
        w.WritePropertyName("time");
        w.WriteTime(snapshot.Time);
        if (snapshot.Parent is { } parent)
        {
            w.WritePropertyName("parent");
            w.WriteId(parent);
        }
        w.WritePropertyName("tree");
        w.WriteId(snapshot.Tree);
        w.WritePropertyName("paths");
        WriteStrings(w, snapshot.Paths ?? []);
        if (!string.IsNullOrEmpty(snapshot.Hostname))
        {
            w.WritePropertyName("hostname");
            w.WriteString(snapshot.Hostname);
        }
        if (!string.IsNullOrEmpty(snapshot.Username))
        {
            w.WritePropertyName("username");
            w.WriteString(snapshot.Username);
        }
        if (snapshot.Uid != 0)
        {
            w.WritePropertyName("uid");
            w.WriteNumber((ulong)snapshot.Uid);
        }
        if (snapshot.Gid != 0)
        {
            w.WritePropertyName("gid");
            w.WriteNumber((ulong)snapshot.Gid);
        }
        if (snapshot.Excludes is { Count: > 0 } excludes)
        {
            w.WritePropertyName("excludes");
            WriteStrings(w, excludes);
        }
        if (snapshot.Tags is { Count: > 0 } tags)
        {
            w.WritePropertyName("tags");
            WriteStrings(w, tags);
        }
        if (snapshot.Original is { } original)
        {
            w.WritePropertyName("original");
            w.WriteId(original);
        }
        if (!string.IsNullOrEmpty(snapshot.ProgramVersion))
        {
            w.WritePropertyName("program_version");
            w.WriteString(snapshot.ProgramVersion);
        }
        if (snapshot.Summary is { } s)
        {
            w.WritePropertyName("summary");
            w.WriteStartObject();
            w.WritePropertyName("backup_start");
            w.WriteTime(s.BackupStart);
            w.WritePropertyName("backup_end");
            w.WriteTime(s.BackupEnd);
            Number(w, "files_new", s.FilesNew);
            Number(w, "files_changed", s.FilesChanged);
            Number(w, "files_unmodified", s.FilesUnmodified);
            Number(w, "dirs_new", s.DirsNew);
            Number(w, "dirs_changed", s.DirsChanged);
            Number(w, "dirs_unmodified", s.DirsUnmodified);
            Number(w, "data_blobs", s.DataBlobs);
            Number(w, "tree_blobs", s.TreeBlobs);
            Number(w, "data_added", s.DataAdded);
            Number(w, "data_added_packed", s.DataAddedPacked);
            Number(w, "total_files_processed", s.TotalFilesProcessed);
            Number(w, "total_bytes_processed", s.TotalBytesProcessed);
            w.WriteEndObject();
        }
        w.WriteEndObject();
        return w.ToArray();
    }

    /// <summary>Parses snapshot JSON (unknown keys ignored). A missing <c>tree</c> is an <see cref="InvalidDataException"/>.</summary>
    public static Snapshot Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            var r = JsonRead.Create(json);
            JsonRead.StartObject(ref r, "snapshot");
            var snap = new Snapshot();
            BlobId? tree = null;
            while (JsonRead.NextProperty(ref r))
            {
                var field = Field(ref r);
                JsonRead.Next(ref r);
                if (field == 0)
                {
                    r.Skip();
                    continue;
                }
                if (r.TokenType == JsonTokenType.Null)
                {
                    switch (field)
                    {
                        case 2: snap.Parent = null; break;
                        case 3: tree = null; break;
                        case 4: snap.Paths = []; break;
                        case 9: snap.Excludes = null; break;
                        case 10: snap.Tags = null; break;
                        case 11: snap.Original = null; break;
                        case 13: snap.Summary = null; break;
                    }
                    continue;
                }
                switch (field)
                {
                    case 1: snap.Time = JsonRead.Time(ref r, "time"); break;
                    case 2: snap.Parent = JsonRead.Id(ref r, "parent"); break;
                    case 3: tree = JsonRead.Id(ref r, "tree"); break;
                    case 4: snap.Paths = JsonRead.StringList(ref r, "paths") ?? []; break;
                    case 5: snap.Hostname = JsonRead.String(ref r, "hostname"); break;
                    case 6: snap.Username = JsonRead.String(ref r, "username"); break;
                    case 7: snap.Uid = JsonRead.UInt32(ref r, "uid"); break;
                    case 8: snap.Gid = JsonRead.UInt32(ref r, "gid"); break;
                    case 9: snap.Excludes = JsonRead.StringList(ref r, "excludes"); break;
                    case 10: snap.Tags = JsonRead.StringList(ref r, "tags"); break;
                    case 11: snap.Original = JsonRead.Id(ref r, "original"); break;
                    case 12: snap.ProgramVersion = JsonRead.String(ref r, "program_version"); break;
                    case 13: snap.Summary = ParseSummary(ref r); break;
                }
            }
            snap.Tree = tree ?? throw new InvalidDataException("snapshot has no tree");
            return snap;
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            throw JsonRead.Wrap("snapshot", e);
        }
    }

    private static int Field(ref Utf8JsonReader r)
    {
        if (JsonRead.NameIs(ref r, "time"u8)) return 1;
        if (JsonRead.NameIs(ref r, "parent"u8)) return 2;
        if (JsonRead.NameIs(ref r, "tree"u8)) return 3;
        if (JsonRead.NameIs(ref r, "paths"u8)) return 4;
        if (JsonRead.NameIs(ref r, "hostname"u8)) return 5;
        if (JsonRead.NameIs(ref r, "username"u8)) return 6;
        if (JsonRead.NameIs(ref r, "uid"u8)) return 7;
        if (JsonRead.NameIs(ref r, "gid"u8)) return 8;
        if (JsonRead.NameIs(ref r, "excludes"u8)) return 9;
        if (JsonRead.NameIs(ref r, "tags"u8)) return 10;
        if (JsonRead.NameIs(ref r, "original"u8)) return 11;
        if (JsonRead.NameIs(ref r, "program_version"u8)) return 12;
        if (JsonRead.NameIs(ref r, "summary"u8)) return 13;
        return 0;
    }

    private static SnapshotSummary ParseSummary(ref Utf8JsonReader r)
    {
        if (r.TokenType != JsonTokenType.StartObject) throw JsonRead.Mismatch("summary", "an object");
        var s = new SnapshotSummary();
        while (JsonRead.NextProperty(ref r))
        {
            var name = JsonRead.Bytes(ref r).ToArray();
            JsonRead.Next(ref r);
            if (r.TokenType == JsonTokenType.Null) continue;
            if (Is(name, "backup_start"u8)) s.BackupStart = JsonRead.Time(ref r, "backup_start");
            else if (Is(name, "backup_end"u8)) s.BackupEnd = JsonRead.Time(ref r, "backup_end");
            else if (Is(name, "files_new"u8)) s.FilesNew = JsonRead.UInt64(ref r, "files_new");
            else if (Is(name, "files_changed"u8)) s.FilesChanged = JsonRead.UInt64(ref r, "files_changed");
            else if (Is(name, "files_unmodified"u8)) s.FilesUnmodified = JsonRead.UInt64(ref r, "files_unmodified");
            else if (Is(name, "dirs_new"u8)) s.DirsNew = JsonRead.UInt64(ref r, "dirs_new");
            else if (Is(name, "dirs_changed"u8)) s.DirsChanged = JsonRead.UInt64(ref r, "dirs_changed");
            else if (Is(name, "dirs_unmodified"u8)) s.DirsUnmodified = JsonRead.UInt64(ref r, "dirs_unmodified");
            else if (Is(name, "data_blobs"u8)) s.DataBlobs = JsonRead.UInt64(ref r, "data_blobs");
            else if (Is(name, "tree_blobs"u8)) s.TreeBlobs = JsonRead.UInt64(ref r, "tree_blobs");
            else if (Is(name, "data_added"u8)) s.DataAdded = JsonRead.UInt64(ref r, "data_added");
            else if (Is(name, "data_added_packed"u8)) s.DataAddedPacked = JsonRead.UInt64(ref r, "data_added_packed");
            else if (Is(name, "total_files_processed"u8)) s.TotalFilesProcessed = JsonRead.UInt64(ref r, "total_files_processed");
            else if (Is(name, "total_bytes_processed"u8)) s.TotalBytesProcessed = JsonRead.UInt64(ref r, "total_bytes_processed");
            else r.Skip();
        }
        return s;
    }

    private static bool Is(ReadOnlySpan<byte> name, ReadOnlySpan<byte> key) => System.Text.Ascii.EqualsIgnoreCase(name, key);

    private static void Number(GoJsonWriter w, string name, ulong value)
    {
        w.WritePropertyName(name);
        w.WriteNumber(value);
    }

    private static void WriteStrings(GoJsonWriter w, List<string> values)
    {
        w.WriteStartArray();
        foreach (var v in values) w.WriteString(v ?? "");
        w.WriteEndArray();
    }
}
