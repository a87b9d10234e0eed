using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Coffre.Server;

/// <summary>
/// The admin password's hash: <c>pbkdf2-sha256$ITERATIONS$SALT$HASH</c> (salt and hash in base64), PBKDF2 with
/// SHA-256 from the BCL. Slow on purpose (600,000 iterations, the OWASP 2023 figure); compared in constant time.
/// </summary>
public sealed class PasswordHash
{
    public const string Prefix = "pbkdf2-sha256";
    public const int DefaultIterations = 600_000;
    public const int MinimumIterations = 600_000;
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    private PasswordHash(int iterations, byte[] salt, byte[] hash) => (Iterations, this.salt, this.hash) = (iterations, salt, hash);

    public int Iterations { get; }
    private readonly byte[] salt;
    private readonly byte[] hash;

    /// <summary>A new hash of <paramref name="password"/> with a random salt, in the text form of coffre.json.</summary>
    public static string Create(string password, int iterations = DefaultIterations)
    {
        ArgumentNullException.ThrowIfNull(password);
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, HashBytes);
        return string.Create(CultureInfo.InvariantCulture, $"{Prefix}${iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}");
    }

    /// <summary>Reads the text form; throws <see cref="FormatException"/> with the reason when it is not one.</summary>
    public static PasswordHash Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) throw new FormatException("server.admin.passwordHash is not set (make one with: coffre serve hash-password)");
        var parts = text.Split('$');
        if (parts.Length != 4 || parts[0] != Prefix)
            throw new FormatException($"server.admin.passwordHash is not of the form {Prefix}$ITERATIONS$SALT$HASH (make one with: coffre serve hash-password)");
        if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations) || iterations < MinimumIterations)
            throw new FormatException($"server.admin.passwordHash: the iteration count must be a number of at least {MinimumIterations}");
        try
        {
            var salt = Convert.FromBase64String(parts[2]);
            var hash = Convert.FromBase64String(parts[3]);
            if (salt.Length < 8 || hash.Length != HashBytes) throw new FormatException("server.admin.passwordHash: the salt or hash has the wrong length");
            return new PasswordHash(iterations, salt, hash);
        }
        catch (FormatException e) when (e.Message.StartsWith("The input", StringComparison.Ordinal))
        {
            throw new FormatException("server.admin.passwordHash: the salt or hash is not base64", e);
        }
    }

    public bool Verify(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        var candidate = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, Iterations, HashAlgorithmName.SHA256, HashBytes);
        return CryptographicOperations.FixedTimeEquals(candidate, hash);
    }
}
