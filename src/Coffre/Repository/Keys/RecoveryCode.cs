using System.Security.Cryptography;
using System.Text;

namespace Coffre.Repository.Keys;

/// <summary>
/// The recovery code: 160 random bits written as 32 Crockford base32 characters in eight groups of four
/// (<c>7KQ2-M9XD-…</c>), easy to copy onto paper. The code, exactly as printed (the canonical form), is the
/// password of its own key file (user "coffre", host "recovery"), so restic opens the repository with it too.
/// Coffre also accepts it typed in lower case, without dashes or with O/I/L for 0/1 (<see cref="TryNormalize"/>).
/// </summary>
public static class RecoveryCode
{
    public const string Username = "coffre";
    public const string Hostname = "recovery";

    private const int RandomBytes = 20; // 160 bits
    private const int Characters = RandomBytes * 8 / 5;
    private const int GroupSize = 4;
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"; // Crockford: no I, L, O, U

    /// <summary>A fresh random code in its canonical, grouped form.</summary>
    public static string Generate()
    {
        var bytes = RandomNumberGenerator.GetBytes(RandomBytes);
        try
        {
            var chars = new char[Characters];
            int bits = 0, value = 0, n = 0;
            foreach (var b in bytes)
            {
                value = (value << 8) | b;
                bits += 8;
                while (bits >= 5)
                {
                    bits -= 5;
                    chars[n++] = Alphabet[(value >> bits) & 31];
                }
                value &= (1 << bits) - 1;
            }
            return Group(chars);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    /// <summary>
    /// The canonical form of what a person typed, when it reads as a recovery code: spaces and dashes dropped,
    /// letters upper-cased, O read as 0 and I/L as 1, then grouped again. False for anything else.
    /// </summary>
    public static bool TryNormalize(string typed, out string canonical)
    {
        ArgumentNullException.ThrowIfNull(typed);
        canonical = "";
        var chars = new List<char>(Characters);
        foreach (var raw in typed)
        {
            if (raw is ' ' or '-' or '\t') continue;
            var c = char.ToUpperInvariant(raw) switch { 'O' => '0', 'I' or 'L' => '1', var u => u };
            if (!Alphabet.Contains(c, StringComparison.Ordinal) || chars.Count == Characters) return false;
            chars.Add(c);
        }
        if (chars.Count != Characters) return false;
        canonical = Group([.. chars]);
        return true;
    }

    /// <summary>Whether <paramref name="password"/> reads as a recovery code, in any accepted form.</summary>
    public static bool LooksLike(ReadOnlySpan<byte> password) => Decode(password) is { } typed && TryNormalize(typed, out _);

    /// <summary>The canonical code's bytes when <paramref name="password"/> reads as a recovery code typed differently; else null.</summary>
    public static byte[]? AlternativeFor(ReadOnlySpan<byte> password)
    {
        if (Decode(password) is not { } typed || !TryNormalize(typed, out var canonical) || canonical == typed) return null;
        return Encoding.ASCII.GetBytes(canonical);
    }

    private static string? Decode(ReadOnlySpan<byte> password)
    {
        if (password.Length > 64) return null;
        try { return new UTF8Encoding(false, true).GetString(password); }
        catch (DecoderFallbackException) { return null; }
    }

    /// <summary>Whether a key file is a recovery key (its user and host name say so).</summary>
    public static bool IsRecoveryKey(KeyFile keyFile)
    {
        ArgumentNullException.ThrowIfNull(keyFile);
        return keyFile.Username == Username && keyFile.Hostname == Hostname;
    }

    private static string Group(char[] chars)
    {
        var sb = new StringBuilder(Characters + Characters / GroupSize);
        for (var i = 0; i < chars.Length; i++)
        {
            if (i > 0 && i % GroupSize == 0) sb.Append('-');
            sb.Append(chars[i]);
        }
        return sb.ToString();
    }
}
