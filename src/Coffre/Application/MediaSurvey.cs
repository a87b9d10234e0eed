using System.Text;
using Coffre.Archiver;
using Coffre.Configuration;
using Coffre.Platform;

namespace Coffre.Application;

/// <summary>
/// The one walk of the media folders before a backup: how many files and bytes each holds (metadata.json and the
/// progress totals) and how many bytes changed since the previous backup (the space check), excludes applied.
/// The backup itself is the only other walk.
/// </summary>
internal sealed record MediaSurvey(IReadOnlyList<(long Files, long Bytes)> Folders, long ChangedBytes)
{
    /// <param name="since">The previous backup's time: files whose ctime and mtime are older do not count as changed; null: every file does.</param>
    public static MediaSurvey Take(IReadOnlyList<MediaSection> media, DateTimeOffset? since, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(media);
        var targets = media.Select(m =>
        {
            var full = UnixPath.GetFullPath(m.Path!);
            return (full, ExcludeMatcher.Within(Encoding.UTF8.GetString(full), m.Exclude));
        });
        var (folders, changed) = SourceSurvey.Take(targets, since, ct);
        return new MediaSurvey(folders, changed);
    }
}
