using System.Runtime.Versioning;
using System.Text;
using Coffre.Model;
using Coffre.Repository.Crypto;
using Coffre.Repository.Keys;
using static Coffre.Tests.Repository.ResticVectors;

namespace Coffre.Tests.Repository.Keys;

[SupportedOSPlatform("linux")] // Coffre is Linux-only (assembly attribute)
public class KeyFileTests
{
    [Fact]
    public void ResticKeyFileUnlocksToTheMasterKey()
    {
        var kf = KeyFile.Parse(Utf8(KeyFileJson));
        var master = kf.TryUnlock(Utf8(Password)); // scrypt N=32768 r=8 p=9: about a second
        Assert.NotNull(master);
        Assert.Equal(MasterEncryptHex, Convert.ToHexStringLower(master.Encrypt));
        Assert.Equal(MasterMacKHex, Convert.ToHexStringLower(master.MacK));
        Assert.Equal(MasterMacRHex, Convert.ToHexStringLower(master.MacR));
        Assert.Equal(ConfigJson, Text(master.Open(Convert.FromHexString(ConfigHex))));
    }

    [Fact]
    public void ParsesResticKeyFileFields()
    {
        var kf = KeyFile.Parse(Utf8(KeyFileJson));
        Assert.Equal(new DateTimeOffset(2026, 11, 21, 10, 42, 41, TimeSpan.Zero).ToUnixTimeSeconds(), kf.Created.UnixSeconds);
        Assert.Equal(262756146, kf.Created.Nanoseconds); // all nine digits, beyond DateTimeOffset's 100 ns
        Assert.Equal(0, kf.Created.OffsetSeconds);
        Assert.Equal("root", kf.Username);
        Assert.Equal("testhost", kf.Hostname);
        Assert.Equal("scrypt", kf.Kdf);
        Assert.Equal((32768, 8, 9), (kf.N, kf.R, kf.P));
        Assert.Equal(64, kf.Salt.Length);
        Assert.Equal(MasterKeyJsonText.Length + 32, kf.Data.Length); // the sealed master key JSON
    }

    [Fact]
    public void SerializeReproducesResticBytes()
    {
        var bytes = KeyFile.Parse(Utf8(KeyFileJson)).Serialize();
        Assert.Equal(445, bytes.Length);
        Assert.Equal(KeyFileJson, Text(bytes));
    }

    [Fact]
    public void CreateSerializeParseUnlockRoundTrip()
    {
        var master = CryptoKey.NewRandom();
        var created = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.FromHours(2)).AddTicks(1234500);
        var kf = KeyFile.Create(Utf8("sécret pw"), master, "alice", "host<1>&", created, KeyDerivation.TestParameters);
        Assert.Equal((1024, 8, 1), (kf.N, kf.R, kf.P));
        Assert.Equal(64, kf.Salt.Length);

        var json = Text(kf.Serialize());
        Assert.StartsWith("{\"created\":\"2026-01-02T01:04:05.12345Z\",\"username\":\"alice\",\"hostname\":\"host\\u003c1\\u003e\\u0026\",\"kdf\":\"scrypt\",\"N\":1024,\"r\":8,\"p\":1,\"salt\":\"", json);
        Assert.EndsWith("\"}", json);

        var parsed = KeyFile.Parse(Encoding.UTF8.GetBytes(json));
        Assert.Equal(kf.Serialize(), parsed.Serialize());
        Assert.Equal("host<1>&", parsed.Hostname);

        var unlocked = parsed.TryUnlock(Utf8("sécret pw"));
        Assert.NotNull(unlocked);
        Assert.Equal(master.Encrypt.ToArray(), unlocked.Encrypt.ToArray());
        Assert.Equal(master.MacK.ToArray(), unlocked.MacK.ToArray());
        Assert.Equal(master.MacR.ToArray(), unlocked.MacR.ToArray());

        Assert.Null(parsed.TryUnlock(Utf8("wrong")));
        Assert.Null(parsed.TryUnlock(Utf8("sécret pw "))); // exact bytes, no trimming
    }

    [Fact]
    public void CreateWithoutParametersUsesTheProcessNewKeyParameters()
    {
        // This test assembly made the process's new keys cheap (CheapTestKeys), so a key file created without
        // parameters must carry those, not the shipped default (32768, 8, 1) nor the parameters of another key.
        // That a process without the test hook creates keys with the shipped default is proven on the real command
        // (NoTestSwitchTests in the integration tests).
        Assert.NotEqual(KeyDerivation.DefaultParameters, KeyDerivation.NewKeyParameters);
        var kf = KeyFile.Create(Utf8("pw"), CryptoKey.NewRandom(), "u", "h", DateTimeOffset.UnixEpoch);
        Assert.Equal(KeyDerivation.NewKeyParameters, (kf.N, kf.R, kf.P));
        Assert.Equal((1024, 8, 1), (kf.N, kf.R, kf.P));
        Assert.NotNull(kf.TryUnlock(Utf8("pw")));
    }

    [Fact]
    public void ShippedDefaultParametersAreResticsDefaults()
    {
        // What a process without the test hook writes (the cost restic's own key files have on a modern machine).
        Assert.Equal((32768, 8, 1), KeyDerivation.DefaultParameters);
        var kf = KeyFile.Create(Utf8("pw"), CryptoKey.NewRandom(), "u", "h", DateTimeOffset.UnixEpoch, KeyDerivation.DefaultParameters);
        Assert.Equal((32768, 8, 1), (kf.N, kf.R, kf.P));
        Assert.NotNull(kf.TryUnlock(Utf8("pw")));
    }

    [Fact]
    public void ParseIsTolerantLikeGo()
    {
        var kf = KeyFile.Parse(Utf8(KeyFileJson));
        var salt = Convert.ToBase64String(kf.Salt);
        var data = Convert.ToBase64String(kf.Data);
        var json = $"{{\"extra\":[1,{{\"a\":null}}],\"CREATED\":\"2026-11-21T11:42:41.5+01:00\",\"Username\":null,\"KDF\":\"scrypt\"," +
                   $"\"n\":16384,\"R\":8,\"P\":2,\"Salt\":\"{salt}\",\"DATA\":\"{data}\",\"hostname\":\"h\"}}";
        var p = KeyFile.Parse(Utf8(json));
        Assert.Equal((16384, 8, 2), (p.N, p.R, p.P));
        Assert.Equal("", p.Username);
        Assert.Equal("h", p.Hostname);
        Assert.Equal(new DateTimeOffset(2026, 11, 21, 10, 42, 41, 500, TimeSpan.Zero), p.Created.ToDateTimeOffset());
        Assert.Equal(3600, p.Created.OffsetSeconds);
        Assert.Contains("\"created\":\"2026-11-21T11:42:41.5+01:00\"", Text(p.Serialize())); // Go keeps the zone
    }

    [Fact]
    public void MissingCreatedIsGosZeroTime()
    {
        var json = KeyFileJson.Replace("\"created\":\"2026-11-21T10:42:41.262756146Z\",", "", StringComparison.Ordinal);
        var kf = KeyFile.Parse(Utf8(json));
        Assert.Equal(GoTime.Zero, kf.Created);
        Assert.StartsWith("{\"created\":\"0001-01-01T00:00:00Z\",", Text(kf.Serialize()));
    }

    // Created times (formerly GoTimeTextTests) are Model.GoTime: RFC 3339 with up to nine fraction digits and the zone kept.
    [Theory]
    [InlineData("2026-11-21T10:42:41.262756146Z")]
    [InlineData("2026-11-21T10:42:38.83906722Z")]
    [InlineData("2026-11-21T10:42:38Z")]
    [InlineData("2026-11-21T10:42:38.1Z")]
    [InlineData("2026-11-21T10:42:38.000000001Z")]
    [InlineData("2024-01-02T03:04:05.123456789+05:30")]
    [InlineData("2024-01-02T03:04:05.5-07:00")]
    [InlineData("0001-01-01T00:00:00Z")]
    public void CreatedTimeRoundTripsExactly(string text)
    {
        var json = KeyFileJson.Replace("2026-11-21T10:42:41.262756146Z", text, StringComparison.Ordinal);
        Assert.Equal(json, Text(KeyFile.Parse(Utf8(json)).Serialize()));
    }

    [Fact]
    public void ExtraFractionDigitsAreTruncatedLikeGo()
    {
        var json = KeyFileJson.Replace("2026-11-21T10:42:41.262756146Z", "2026-11-21T10:42:41.1234567891Z", StringComparison.Ordinal);
        var kf = KeyFile.Parse(Utf8(json));
        Assert.Equal(123456789, kf.Created.Nanoseconds);
        Assert.Contains("\"created\":\"2026-11-21T10:42:41.123456789Z\"", Text(kf.Serialize()), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("2026-11-21 10:42:41Z")]
    [InlineData("2026-11-21T10:42:41")]
    [InlineData("2026-11-21T10:42:41.Z")]
    [InlineData("2026-13-21T10:42:41Z")]
    [InlineData("2026-11-21T10:42:41+0100")]
    [InlineData("2026-11-21T10:42:41Zjunk")]
    public void RejectsNonRfc3339CreatedTimes(string text)
    {
        var json = KeyFileJson.Replace("2026-11-21T10:42:41.262756146Z", text, StringComparison.Ordinal);
        var e = Assert.Throws<InvalidDataException>(() => KeyFile.Parse(Utf8(json)));
        Assert.Contains("created", e.Message, StringComparison.Ordinal);
    }

    // Strings (formerly GoJsonTextTests) are written by Model.Json.GoJsonWriter, escaped like Go's json.Marshal.
    [Theory]
    [InlineData("plain", "\"plain\"")]
    [InlineData("a\"b\\c", "\"a\\\"b\\\\c\"")]
    [InlineData("<a>&", "\"\\u003ca\\u003e\\u0026\"")]
    [InlineData("\n\r\t\b\f\u0001\u001f", "\"\\n\\r\\t\\b\\f\\u0001\\u001f\"")]
    [InlineData("\u2028\u2029é😀/", "\"\\u2028\\u2029é😀/\"")]
    public void NamesAreEscapedLikeGo(string value, string expected)
    {
        var kf = KeyFile.Parse(Utf8(KeyFileJson));
        kf.Username = value;
        kf.Hostname = value;
        var json = Text(kf.Serialize());
        Assert.Contains($"\"username\":{expected},\"hostname\":{expected},", json, StringComparison.Ordinal);
        var back = KeyFile.Parse(Utf8(json));
        Assert.Equal(value, back.Username);
        Assert.Equal(value, back.Hostname);
    }

    [Fact]
    public void LoneSurrogatesBecomeReplacementCharacters()
    {
        // Built in code: a lone surrogate does not survive an attribute argument. GoJsonWriter encodes it as a real U+FFFD.
        var kf = KeyFile.Parse(Utf8(KeyFileJson));
        kf.Username = new string([(char)0xd800, 'x', (char)0xdc00]);
        Assert.Contains("\"username\":\"\ufffdx\ufffd\",", Text(kf.Serialize()), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"kdf\":\"scrypt\"", "\"kdf\":\"argon2\"", "kdf")]
    [InlineData("\"kdf\":\"scrypt\",", "", "kdf")]
    [InlineData("\"N\":32768", "\"N\":32767", "power of two")]
    [InlineData("\"N\":32768", "\"N\":1", "power of two")]
    [InlineData("\"r\":8", "\"r\":0", "at least 1")]
    [InlineData("\"N\":32768", "\"N\":\"32768\"", "integer")]
    [InlineData("\"salt\":\"OSnG", "\"salt\":\"AAAA\",\"x\":\"", "salt")]
    [InlineData("\"salt\":\"OSnG", "\"salt\":\"!!\",\"x\":\"", "base64")]
    [InlineData("\"data\":\"Ch5M", "\"data\":\"AAAA\",\"x\":\"", "data")]
    [InlineData("\"created\":\"2026-11-21T10:42:41.262756146Z\"", "\"created\":\"yesterday\"", "created")]
    public void ParseRejectsUnusableKeyFiles(string find, string replace, string messagePart)
    {
        Assert.Contains(find, KeyFileJson);
        var e = Assert.Throws<InvalidDataException>(() => KeyFile.Parse(Utf8(KeyFileJson.Replace(find, replace, StringComparison.Ordinal))));
        Assert.Contains(messagePart, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("{\"kdf\":")]
    [InlineData("not json")]
    public void ParseRejectsNonObjects(string json)
    {
        Assert.Throws<InvalidDataException>(() => KeyFile.Parse(Utf8(json)));
    }
}
