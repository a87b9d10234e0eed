using System.Text;
using Coffre.Repository.Keys;

namespace Coffre.Tests.Repository.Keys;

public class RecoveryCodeTests
{
    private const string Crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    [Fact]
    public void GeneratedCodeIsEightGroupsOfFourCrockfordCharacters()
    {
        var code = RecoveryCode.Generate();
        var groups = code.Split('-');
        Assert.Equal(8, groups.Length);
        Assert.All(groups, g => Assert.Equal(4, g.Length));
        Assert.All(code.Replace("-", "", StringComparison.Ordinal), c => Assert.Contains(c, Crockford));
    }

    [Fact]
    public void GeneratedCodesDifferAndUseTheWholeAlphabet()
    {
        var codes = Enumerable.Range(0, 200).Select(_ => RecoveryCode.Generate()).ToList();
        Assert.Equal(codes.Count, codes.Distinct().Count());
        // 200 codes x 32 characters: every one of the 32 symbols shows up (the last bits are not stuck at zero).
        var seen = codes.SelectMany(c => c.Replace("-", "", StringComparison.Ordinal)).Distinct().Count();
        Assert.Equal(32, seen);
    }

    [Fact]
    public void GeneratedCodeIsItsOwnCanonicalForm()
    {
        var code = RecoveryCode.Generate();
        Assert.True(RecoveryCode.TryNormalize(code, out var canonical));
        Assert.Equal(code, canonical);
        Assert.Null(RecoveryCode.AlternativeFor(Encoding.ASCII.GetBytes(code)));
        Assert.True(RecoveryCode.LooksLike(Encoding.ASCII.GetBytes(code)));
    }

    [Theory]
    [InlineData("q17s-tbj8-6b3w-3hzq-17bq-yepn-wb5q-tm09")]
    [InlineData("Q17STBJ86B3W3HZQ17BQYEPNWB5QTM09")]
    [InlineData("q17s tbj8 6b3w 3hzq 17bq yepn wb5q tmo9")] // O typed for 0
    [InlineData("Q17S-TBJ8-6B3W-3HZQ-I7BQ-YEPN-WB5Q-TM09")] // I typed for 1
    [InlineData("Ql7S-TBJ8-6B3W-3HZQ-17BQ-YEPN-WB5Q-TM09")] // l typed for 1
    public void TypedVariantsNormaliseToThePrintedCode(string typed)
    {
        Assert.True(RecoveryCode.TryNormalize(typed, out var canonical));
        Assert.Equal("Q17S-TBJ8-6B3W-3HZQ-17BQ-YEPN-WB5Q-TM09", canonical);
        Assert.Equal("Q17S-TBJ8-6B3W-3HZQ-17BQ-YEPN-WB5Q-TM09", Encoding.ASCII.GetString(RecoveryCode.AlternativeFor(Encoding.UTF8.GetBytes(typed))!));
    }

    [Theory]
    [InlineData("")]
    [InlineData("my ordinary password")]
    [InlineData("Q17S-TBJ8-6B3W-3HZQ-17BQ-YEPN-WB5Q-TM0")] // one character short
    [InlineData("Q17S-TBJ8-6B3W-3HZQ-17BQ-YEPN-WB5Q-TM099")] // one too many
    [InlineData("U17S-TBJ8-6B3W-3HZQ-17BQ-YEPN-WB5Q-TM09")] // U is not in the alphabet
    [InlineData("Q17S_TBJ8_6B3W_3HZQ_17BQ_YEPN_WB5Q_TM09")]
    public void OtherPasswordsAreNotRecoveryCodes(string typed)
    {
        Assert.False(RecoveryCode.TryNormalize(typed, out _));
        Assert.Null(RecoveryCode.AlternativeFor(Encoding.UTF8.GetBytes(typed)));
        Assert.False(RecoveryCode.LooksLike(Encoding.UTF8.GetBytes(typed)));
    }

    [Fact]
    public void InvalidUtf8IsNotARecoveryCode() => Assert.Null(RecoveryCode.AlternativeFor([0xff, 0xfe, 0x41]));

    [Fact]
    public void RecoveryKeysAreTheOnesOfUserCoffreOnHostRecovery()
    {
        Assert.True(RecoveryCode.IsRecoveryKey(new KeyFile { Username = "coffre", Hostname = "recovery" }));
        Assert.False(RecoveryCode.IsRecoveryKey(new KeyFile { Username = "root", Hostname = "recovery" }));
        Assert.False(RecoveryCode.IsRecoveryKey(new KeyFile { Username = "coffre", Hostname = "web1" }));
    }
}
