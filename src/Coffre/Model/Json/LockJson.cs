using System.Text.Json;

namespace Coffre.Model.Json;

/// <summary>Lock file JSON (Go <c>json.Marshal</c>, compact, no trailing newline; format doc §9).</summary>
public static class LockJson
{
    public static byte[] Serialize(LockInfo lockInfo)
    {
        ArgumentNullException.ThrowIfNull(lockInfo);
        var w = new GoJsonWriter(192);
        w.WriteStartObject();
        w.WritePropertyName("time");
        w.WriteTime(lockInfo.Time);
        w.WritePropertyName("exclusive");
        w.WriteBool(lockInfo.Exclusive);
        w.WritePropertyName("hostname");
        w.WriteString(lockInfo.Hostname ?? "");
        w.WritePropertyName("username");
        w.WriteString(lockInfo.Username ?? "");
        w.WritePropertyName("pid");
        w.WriteNumber((long)lockInfo.Pid);
        if (lockInfo.Uid != 0)
        {
            w.WritePropertyName("uid");
            w.WriteNumber((ulong)lockInfo.Uid);
        }
        if (lockInfo.Gid != 0)
        {
            w.WritePropertyName("gid");
            w.WriteNumber((ulong)lockInfo.Gid);
        }
        w.WriteEndObject();
        return w.ToArray();
    }

    /// <summary>Parses lock JSON (unknown keys ignored, missing fields take their zero values).</summary>
    public static LockInfo Parse(ReadOnlySpan<byte> json)
    {
        try
        {
            var r = JsonRead.Create(json);
            JsonRead.StartObject(ref r, "lock");
            var time = GoTime.Zero;
            var exclusive = false;
            string hostname = "", username = "";
            var pid = 0;
            uint uid = 0, gid = 0;
            while (JsonRead.NextProperty(ref r))
            {
                var name = JsonRead.Bytes(ref r).ToArray();
                JsonRead.Next(ref r);
                if (r.TokenType == JsonTokenType.Null) continue;
                if (Is(name, "time"u8)) time = JsonRead.Time(ref r, "time");
                else if (Is(name, "exclusive"u8)) exclusive = JsonRead.Bool(ref r, "exclusive");
                else if (Is(name, "hostname"u8)) hostname = JsonRead.String(ref r, "hostname");
                else if (Is(name, "username"u8)) username = JsonRead.String(ref r, "username");
                else if (Is(name, "pid"u8))
                {
                    var v = JsonRead.Int64(ref r, "pid");
                    if (v < int.MinValue || v > int.MaxValue) throw JsonRead.Mismatch("pid", "a 32-bit process ID");
                    pid = (int)v;
                }
                else if (Is(name, "uid"u8)) uid = JsonRead.UInt32(ref r, "uid");
                else if (Is(name, "gid"u8)) gid = JsonRead.UInt32(ref r, "gid");
                else r.Skip();
            }
            return new LockInfo(time, exclusive, hostname, username, pid, uid, gid);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            throw JsonRead.Wrap("lock", e);
        }
    }

    private static bool Is(ReadOnlySpan<byte> name, ReadOnlySpan<byte> key) => System.Text.Ascii.EqualsIgnoreCase(name, key);
}
