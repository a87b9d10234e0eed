using System.Security.Cryptography;

namespace Coffre.Repository.Crypto;

/// <summary>scrypt user-key derivation (format doc 2.2): the 64-byte output is split by <see cref="CryptoKey.FromDerived"/>.</summary>
public static class KeyDerivation
{
    /// <summary>Parameters for new key files (~0.2 s here). Existing key files are read with whatever N/r/p they carry.</summary>
    public static (int N, int R, int P) DefaultParameters => (32768, 8, 1);

    /// <summary>Cheap parameters, only for the tests' own keys (they set <see cref="NewKeyParameters"/> in-process).</summary>
    internal static (int N, int R, int P) TestParameters => (1024, 8, 1);

    /// <summary>
    /// The parameters of the key files this process creates: always <see cref="DefaultParameters"/> in the shipped
    /// command. Only code running inside the process can change it (the test assemblies, and tests/Coffre.TestHooks
    /// loaded as a .NET startup hook into the coffre command the integration tests run); no option or environment
    /// variable of Coffre does.
    /// </summary>
    internal static (int N, int R, int P) NewKeyParameters { get; set; } = DefaultParameters;

    /// <summary>
    /// The most work one key file may ask for: 128·N·r·p ≤ 1 GiB. scrypt needs 128·N·r bytes and time in proportion
    /// to N·r·p, so this bounds both (about 6 s here, 1 GiB at most). restic's keys ask for 32 MiB (N=32768, r=8, p=1).
    /// Key files come from the repository, which may be hostile: N=2^20, p=2^20 would run for days.
    /// </summary>
    public const long MaxCost = 1L << 30;

    /// <summary>Bounds on r and p alone (restic writes r=8, p=1): they size scrypt's B buffer (128·r·p bytes).</summary>
    public const int MaxR = 64, MaxP = 64;

    /// <summary>128·N·r·p: the bytes scrypt would mix (see <see cref="MaxCost"/>); comparable between key files.</summary>
    public static long Cost(int n, int r, int p) => 128L * Math.Max(n, 0) * Math.Max(r, 0) * Math.Max(p, 0);

    /// <summary>Null when the parameters are acceptable, else the reason (Go scrypt's checks plus Coffre's cost limit).</summary>
    public static string? ValidateParameters(int n, int r, int p)
    {
        if (n <= 1 || (n & (n - 1)) != 0) return $"scrypt N must be a power of two greater than 1 (got {n})";
        if (r < 1 || p < 1) return $"scrypt r and p must be at least 1 (got r={r}, p={p})";
        if (r > MaxR || p > MaxP || Cost(n, r, p) > MaxCost)
            return $"scrypt parameters N={n}, r={r}, p={p} ask for more work than Coffre allows (128·N·r·p at most 1 GiB, r and p at most {MaxR}): not tried";
        return null;
    }

    /// <param name="ct">Ends a long derivation (a signal): checked while scrypt runs.</param>
    public static CryptoKey Scrypt(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, int n, int r, int p, CancellationToken ct = default)
    {
        if (ValidateParameters(n, r, p) is { } error) throw new ArgumentException(error);
        byte[] derived = Crypto.Scrypt.Derive(password, salt, n, r, p, 64, ct);
        try
        {
            return CryptoKey.FromDerived(derived);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(derived);
        }
    }
}
