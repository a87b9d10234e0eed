using System.Globalization;
using System.Text;
using Coffre.Jobs;
using Coffre.Journal;
using static Coffre.Server.Html;

namespace Coffre.Server;

/// <summary>
/// The repository's size over time as inline SVG (no script, no build step): for each backup still in the repository,
/// oldest first, the data stored so far (the sum of what each backup added, from the journal) and the backup's own
/// size (what a restore brings back). Two lines, the dates and the largest size on the axes.
/// </summary>
internal static class RepositoryChart
{
    private const int Width = 600, Height = 160, Left = 70, Bottom = 20, Top = 10;

    public static string Render(IReadOnlyList<BackupInfo> backups, IReadOnlyList<RunRecord> history)
    {
        var added = BackupList.DataAdded(history);
        var points = backups.Where(b => !b.IsSafetySnapshot).OrderBy(b => b.Time).ToList();
        if (points.Count < 2) return "";
        long stored = 0;
        var series = points.Select(b =>
        {
            stored += added.TryGetValue(b.Id.ToString(), out var a) ? a : 0;
            return (b.Time, Stored: stored, Size: (long)b.Size);
        }).ToList();
        var max = Math.Max(1, series.Max(p => Math.Max(p.Stored, p.Size)));
        var t0 = series[0].Time.ToUnixTimeSeconds();
        var span = Math.Max(1, series[^1].Time.ToUnixTimeSeconds() - t0);
        string X(DateTimeOffset t) => (Left + (Width - Left - 10) * (double)(t.ToUnixTimeSeconds() - t0) / span).ToString("0.#", CultureInfo.InvariantCulture);
        string Y(long v) => (Top + (Height - Top - Bottom) * (1 - (double)v / max)).ToString("0.#", CultureInfo.InvariantCulture);
        string Line(Func<(DateTimeOffset Time, long Stored, long Size), long> value) => string.Join(" ", series.Select(p => $"{X(p.Time)},{Y(value(p))}"));
        var first = series[0].Time.ToLocalTime().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var last = series[^1].Time.ToLocalTime().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"""
            <h2>Size over time</h2>
            <figure><svg id="size-chart" role="img" aria-label="Data stored in the repository and backup size, {E(first)} to {E(last)}" viewBox="0 0 {Width} {Height}" width="100%" style="max-width:{Width}px">
            <line x1="{Left}" y1="{Height - Bottom}" x2="{Width - 10}" y2="{Height - Bottom}" stroke="#999"/><line x1="{Left}" y1="{Top}" x2="{Left}" y2="{Height - Bottom}" stroke="#999"/>
            <text x="{Left - 4}" y="{Top + 8}" text-anchor="end" font-size="11">{E(Bytes(max))}</text><text x="{Left - 4}" y="{Height - Bottom}" text-anchor="end" font-size="11">0</text>
            <text x="{Left}" y="{Height - 4}" font-size="11">{E(first)}</text><text x="{Width - 10}" y="{Height - 4}" text-anchor="end" font-size="11">{E(last)}</text>
            <polyline class="stored" fill="none" stroke="#1a5fb4" stroke-width="2" points="{Line(p => p.Stored)}"/>
            <polyline class="size" fill="none" stroke="#067d17" stroke-width="1.5" stroke-dasharray="4 3" points="{Line(p => p.Size)}"/>
            </svg><figcaption><span style="color:#1a5fb4">━ data stored</span> (what the backups added, {E(Bytes(series[^1].Stored))} now) · <span style="color:#067d17">╌ backup size</span> (what a restore brings back)</figcaption></figure>
            """);
        return svg.ToString();
    }
}
