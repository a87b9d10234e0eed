using Coffre.Application.Restore;

namespace Coffre.Tests.Jobs.Restore;

/// <summary>The words of <c>coffre restore --only</c> and the dashboard's <c>?only=</c>, and back.</summary>
public class RestorePartsNamesTests
{
    [Theory]
    [InlineData(null, RestoreParts.All)]
    [InlineData("", RestoreParts.All)]
    [InlineData("database", RestoreParts.Databases)]
    [InlineData("databases", RestoreParts.Databases)]
    [InlineData("media", RestoreParts.Media)]
    public void Known_words_name_the_parts(string? only, RestoreParts expected)
    {
        Assert.True(RestorePartsNames.TryParseOnly(only, out var parts));
        Assert.Equal(expected, parts);
    }

    [Theory]
    [InlineData("all")]
    [InlineData("Media")]
    [InlineData("db")]
    public void Other_words_are_refused(string only) => Assert.False(RestorePartsNames.TryParseOnly(only, out _));

    [Theory]
    [InlineData(RestoreParts.All)]
    [InlineData(RestoreParts.Databases)]
    [InlineData(RestoreParts.Media)]
    public void Each_part_reads_back_from_its_word(RestoreParts parts)
    {
        Assert.True(RestorePartsNames.TryParseOnly(RestorePartsNames.Only(parts), out var back));
        Assert.Equal(parts, back);
    }
}
