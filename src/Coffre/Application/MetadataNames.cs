using Coffre.Configuration;
using Coffre.Model;

namespace Coffre.Application;

/// <summary>
/// The names a metadata.json gives (application, databases and their dump files, media folders) are data, never
/// paths: each must follow the grammar coffre.json accepts for it, or the whole metadata.json is refused. Without
/// this, an archive naming a database <c>../../../tmp/x</c> made a restore write <c>/tmp/x.sqlite</c>.
/// </summary>
internal static class MetadataNames
{
    /// <summary>The largest metadata.json read from a snapshot or an archive (a real one is a few KB).</summary>
    public const int MaxSize = 16 << 20;

    private const string Rule = "letters, digits, '-', '_' or '.', not starting with '.'";

    public static ApplicationMetadata Validate(ApplicationMetadata m)
    {
        if (m.Application is { Length: > 0 } app
            && (app is "." or ".." || app.Any(c => c is ',' or '/' or '\\' || char.IsWhiteSpace(c) || char.IsControl(c))))
            throw Refused($"the application {Quote(app)}", "no spaces, commas, slashes or control characters");
        foreach (var d in m.Databases ?? [])
        {
            if (d is null) throw new InvalidMetadataException("metadata.json lists an empty database entry");
            if (!ConfigValidator.IsSafeName(d.Name)) throw Refused($"a database {Quote(d.Name)}", Rule);
            var file = d.File ?? "";
            if (!file.StartsWith("database/", StringComparison.Ordinal) || !ConfigValidator.IsSafeName(file["database/".Length..]))
                throw Refused($"the dump file {Quote(file)} of database {d.Name}", "database/ then " + Rule);
        }
        foreach (var media in m.Media ?? [])
        {
            if (media is null) throw new InvalidMetadataException("metadata.json lists an empty media entry");
            if (!ConfigValidator.IsSafeName(media.Name)) throw Refused($"a media folder {Quote(media.Name)}", Rule);
        }
        return m;
    }

    private static string Quote(string? s) => NodeName.Quote(System.Text.Encoding.UTF8.GetBytes(s ?? ""));

    private static InvalidMetadataException Refused(string what, string rule) =>
        new($"metadata.json names {what}, which is not a name ({rule}): it was not written by Coffre as it is (forged or damaged)");
}

/// <summary>A metadata.json whose names could not have come from a configuration Coffre accepts.</summary>
public sealed class InvalidMetadataException(string message) : CoffreException(message);
