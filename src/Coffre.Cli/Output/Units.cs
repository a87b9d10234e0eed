namespace Coffre.Cli.Output;

/// <summary>Human-readable sizes, durations and rates.</summary>
internal static class Units
{
    public static string Bytes(double n)
    {
        string[] u = ["B", "KiB", "MiB", "GiB", "TiB"];
        var i = 0;
        while (n >= 1024 && i < u.Length - 1) { n /= 1024; i++; }
        return i == 0 ? $"{n:0} {u[i]}" : $"{n:0.00} {u[i]}";
    }

    public static string Duration(TimeSpan t) =>
        t.TotalHours >= 1 ? $"{(int)t.TotalHours}:{t.Minutes:00}:{t.Seconds:00}" : $"{t.Minutes}:{t.Seconds:00}";

    public static string Rate(double bytes, TimeSpan t) => t.TotalSeconds > 0 ? Bytes(bytes / t.TotalSeconds) + "/s" : "-";
}
