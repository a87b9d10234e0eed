using System.Security.Cryptography;

namespace Coffre.Repository.Crypto;

/// <summary>scrypt user-key derivation (format doc 2.2): the 64-byte output is split by <see cref="CryptoKey.FromDerived"/>.</summary>
public static class KeyDerivation
{
    public const string TestEnvironmentVariable = "COFFRE_TEST_SCRYPT";

    /// <summary>Parameters for new key files (~0.2 s here). Existing key files are read with whatever N/r/p they carry.</summary>
    public static (int N, int R, int P) DefaultParameters => (32768, 8, 1);

    /// <summary>Cheap parameters so tests stay fast; used for new keys when COFFRE_TEST_SCRYPT=1.</summary>
    public static (int N, int R, int P) TestParameters => (1024, 8, 1);

    /// <summary><see cref="TestParameters"/> when the environment variable COFFRE_TEST_SCRYPT is "1", else <see cref="DefaultParameters"/>.</summary>
    public static (int N, int R, int P) NewKeyParameters =>
        Environment.GetEnvironmentVariable(TestEnvironmentVariable) == "1" ? TestParameters : DefaultParameters;

    /// <summary>Null when the parameters are acceptable, else the reason (Go scrypt's checks plus int-sized buffers).</summary>
    public static string? ValidateParameters(int n, int r, int p)
    {
        if (n <= 1 || (n & (n - 1)) != 0) return $"scrypt N must be a power of two greater than 1 (got {n})";
        if (r < 1 || p < 1) return $"scrypt r and p must be at least 1 (got r={r}, p={p})";
        if ((long)r * p >= 1 << 30) return $"scrypt r*p must be below 2^30 (got r={r}, p={p})";
        if (128L * r * n > int.MaxValue || 128L * r * p > int.MaxValue) return $"scrypt parameters too large (N={n}, r={r}, p={p})";
        return null;
    }

    public static CryptoKey Scrypt(ReadOnlySpan<byte> password, ReadOnlySpan<byte> salt, int n, int r, int p)
    {
        if (ValidateParameters(n, r, p) is { } error) throw new ArgumentException(error);
        byte[] derived = Crypto.Scrypt.Derive(password, salt, n, r, p, 64);
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
