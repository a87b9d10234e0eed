using System.Runtime.Versioning;
using System.Text;
using Coffre.Repository.Crypto;

namespace Coffre.Tests.Repository;

/// <summary>Test vectors of restic-format.md §15 (fixture restic-0.14-vectors, password "test").</summary>
[SupportedOSPlatform("linux")] // Coffre is Linux-only (assembly attribute)
internal static class ResticVectors
{
    public const string Password = "test";

    public const string KeyFileJson =
        "{\"created\":\"2026-11-21T10:42:41.262756146Z\",\"username\":\"root\",\"hostname\":\"testhost\",\"kdf\":\"scrypt\",\"N\":32768,\"r\":8,\"p\":9," +
        "\"salt\":\"OSnGctj+icc/QxQLHvHUotkK3nX+f1naIPfv//KfST4EkqNXQuwQEk3N1RJEzHCjOhNiAhj1eQhh0CGD3mMDBA==\"," +
        "\"data\":\"Ch5MwfcKHmeqHWoyR+zDDHJe1vMR8H8lzalZ4KqAIymkGUJ02qBcxtFz3ANGzryvnJ+A67sdyFBk7TQW+UawhQ2G19DDpELxxKN8N78eV8lqEBScgu4Przbvgm/DUBi+hGKRlcq57pUaPkDBF4ZnCBMBX/miOGVPfUVbL/RIEmICmpp3blbd6Efv8mIOHWa/16PrlCYTRA9K/KmntBG+KA==\"}";

    /// <summary>scrypt("test", salt, 32768, 8, 9, 64) of the key file above.</summary>
    public const string UserKeyHex =
        "07b5f5c74d2e84e06d5fa959b370f45ab884f2386dca8aea7195b72939ae106e" + "1876341751096320c95e2bc91c3ef3f5" + "4f863cfff13679f9d174eecb08934e47";

    public const string MasterKeyJsonText =
        "{\"mac\":{\"k\":\"++doIYmfac8b+LD2+T0CKA==\",\"r\":\"IVxoCqRTuAM4mbAISBFoAA==\"},\"encrypt\":\"JCAB0Z6hoaxTo2j0kCXStWltTNcY4myxxk09wZq3TCM=\"}";

    public const string MasterEncryptHex = "242001d19ea1a1ac53a368f49025d2b5696d4cd718e26cb1c64d3dc19ab74c23";
    public const string MasterMacKHex = "fbe76821899f69cf1bf8b0f6f93d0228";
    public const string MasterMacRHex = "215c680aa453b8033899b00848116800";

    public const string ConfigHex =
        "c7628cfa5a6b5a6747e45ec713816239de8d622eaa801a903461e37b074520137ab0aabef96bdf72f981b376e83f74b3" +
        "87ef31050ba7633405a0d6115fa0dcb88f8e200a6f99828e07de10ffa152d24ca70ce5e7e32badf0ed3490d971f13604" +
        "613d12ba8d035b855aa10247e13c048973aa2dda5312123fea100dc3aae2568623b15373206e94dee62e878037f21835" +
        "f45b49d85265d5c87ae81e";

    public const string ConfigJson =
        "{\"version\":2,\"id\":\"3e2dc99cf9f16695c3022ac3094d269dc9613a3421e44230004115c6970b314a\",\"chunker_polynomial\":\"3f8da62e97eccb\"}";

    public const string FixedIvHex = "0102030405060708090a0b0c0d0e0f10";
    public const string PolySHex = "77c01e0e84f651b95371366c2d1fea9e";
    public const string HelloTagHex = "9f809c3df60770f1abffa98ef9cda572";
    public const string HelloSealedHex = FixedIvHex + "83b7b769a0b239add6fef1a5f9" + "e55b2102010898e3530540d4acae8c4e";
    public const string Hello = "hello restic\n";

    /// <summary>§15.4: the first blob of pack ce063449 and the zstd frame (no content size) it decrypts to.</summary>
    public const string HelloBlobHex = "413160a0a2d59b30acbcc2eed1f6823fa77af4e5a705424e0be17d4ac4da78a5f328a21b33eac45a049e987d0da8573b22b5b0865ce0";
    public const string HelloFrameHex = "28b52ffd000069000068656c6c6f207265737469630a";

    /// <summary>§15.6: snapshot eeb1f93f (0x02 + zstd frame without content size).</summary>
    public const string SnapshotHex =
        "ec3b8d757c985ee3a69c3949037a13680c818ff1d595fdf3ab7971b34acfec1257791bdc304d122f8549fa5fa2195816" +
        "1f90503520347b34c0dfd867700ab7c34346d901e040cb8af3a4bfca4b224aea8771888f6ed8105f48e1a3794cdfeff1" +
        "33e99889b72c84b0da53712780dc49541dd1788584eaa0d8a41e239d5673cd5be97ebba4e3f74c67a8f7d733e9f99508" +
        "65961a96cda7ff0d4e54bae3d5cc56e25383b66ccfde0b2761faf598faaacc052c6c7259ad3c8b80984f";

    public const string SnapshotJson =
        "{\"time\":\"2026-11-21T10:42:42.505011896Z\",\"tree\":\"f5dc98b6f854f0c6ff39232ae877fc1d4cde81f9c5939eefed969372ed865755\"," +
        "\"paths\":[\"/stream.txt\"],\"hostname\":\"testhost\",\"username\":\"root\"}";

    public static CryptoKey Master => new(Convert.FromHexString(MasterEncryptHex), Convert.FromHexString(MasterMacKHex), Convert.FromHexString(MasterMacRHex));

    public static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);

    public static string Text(ReadOnlySpan<byte> b) => Encoding.UTF8.GetString(b);
}
