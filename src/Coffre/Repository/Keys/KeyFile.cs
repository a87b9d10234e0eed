using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Coffre.Repository.Crypto;

namespace Coffre.Repository.Keys;

/// <summary>A restic key file (<c>keys/&lt;id&gt;</c>, plain JSON): scrypt parameters plus the master key sealed with the derived user key.</summary>
public sealed class KeyFile
{
    private const string What = "key file";
    public const int SaltSize = 64;

    public DateTimeOffset Created { get; set; }

    /// <summary>Nanoseconds below <see cref="Created"/>'s 100 ns resolution (0..99), kept so restic's timestamps re-serialise exactly.</summary>
    public int CreatedSubTickNanoseconds { get; set; }

    public string Username { get; set; } = "";
    public string Hostname { get; set; } = "";
    public string Kdf { get; set; } = "scrypt";
    public int N { get; set; }
    public int R { get; set; }
    public int P { get; set; }
    public byte[] Salt { get; set; } = [];

    /// <summary>The sealed master key JSON (IV || CT || TAG).</summary>
    public byte[] Data { get; set; } = [];

    /// <summary>Reads a key file like restic: unknown keys ignored, key names case-insensitive, null leaves a field unset.</summary>
    /// <exception cref="InvalidDataException">malformed JSON or unusable contents (kdf not scrypt, salt not 64 bytes, bad N/r/p, short data).</exception>
    public static KeyFile Parse(ReadOnlySpan<byte> json)
    {
        var kf = new KeyFile { Kdf = "" };
        using (var doc = GoJsonText.ParseObject(json, What))
        {
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                if (p.Value.ValueKind == JsonValueKind.Null) continue;
                if (GoJsonText.Is(p, "created"))
                {
                    string text = GoJsonText.GetString(p, What);
                    if (!GoTimeText.TryParse(text, out var created, out int sub)) throw new InvalidDataException($"key file: invalid \"created\" time '{text}'");
                    kf.Created = created;
                    kf.CreatedSubTickNanoseconds = sub;
                }
                else if (GoJsonText.Is(p, "username")) kf.Username = GoJsonText.GetString(p, What);
                else if (GoJsonText.Is(p, "hostname")) kf.Hostname = GoJsonText.GetString(p, What);
                else if (GoJsonText.Is(p, "kdf")) kf.Kdf = GoJsonText.GetString(p, What);
                else if (GoJsonText.Is(p, "N")) kf.N = GoJsonText.GetInt32(p, What);
                else if (GoJsonText.Is(p, "r")) kf.R = GoJsonText.GetInt32(p, What);
                else if (GoJsonText.Is(p, "p")) kf.P = GoJsonText.GetInt32(p, What);
                else if (GoJsonText.Is(p, "salt")) kf.Salt = GoJsonText.GetBase64(p, What);
                else if (GoJsonText.Is(p, "data")) kf.Data = GoJsonText.GetBase64(p, What);
            }
        }

        if (kf.Kdf != "scrypt") throw new InvalidDataException($"key file: unsupported kdf '{kf.Kdf}' (only scrypt is supported)");
        if (kf.Salt.Length != SaltSize) throw new InvalidDataException($"key file: salt must be {SaltSize} bytes (got {kf.Salt.Length})");
        if (KeyDerivation.ValidateParameters(kf.N, kf.R, kf.P) is { } error) throw new InvalidDataException("key file: " + error);
        if (kf.Data.Length < CryptoKey.Overhead) throw new InvalidDataException($"key file: data too short ({kf.Data.Length} bytes)");
        return kf;
    }

    /// <summary>Go json.Marshal of restic's Key struct: field order as declared, no trailing newline.</summary>
    public byte[] Serialize()
    {
        var sb = new StringBuilder(512);
        sb.Append("{\"created\":\"");
        GoTimeText.Append(sb, Created, CreatedSubTickNanoseconds);
        sb.Append("\",\"username\":");
        GoJsonText.AppendString(sb, Username);
        sb.Append(",\"hostname\":");
        GoJsonText.AppendString(sb, Hostname);
        sb.Append(",\"kdf\":");
        GoJsonText.AppendString(sb, Kdf);
        sb.Append(CultureInfo.InvariantCulture, $",\"N\":{N},\"r\":{R},\"p\":{P},\"salt\":\"");
        sb.Append(Convert.ToBase64String(Salt)).Append("\",\"data\":\"").Append(Convert.ToBase64String(Data)).Append("\"}");
        return GoJsonText.ToUtf8(sb);
    }

    /// <summary>
    /// A new key file wrapping <paramref name="master"/> for <paramref name="password"/>: random 64-byte salt and
    /// <paramref name="parameters"/> (default <see cref="KeyDerivation.NewKeyParameters"/>).
    /// </summary>
    public static KeyFile Create(ReadOnlySpan<byte> password, CryptoKey master, string username, string hostname, DateTimeOffset created,
                                 (int N, int R, int P)? parameters = null)
    {
        ArgumentNullException.ThrowIfNull(master);
        var (n, r, p) = parameters ?? KeyDerivation.NewKeyParameters;
        byte[] salt = RandomNumberGenerator.GetBytes(SaltSize);
        var user = KeyDerivation.Scrypt(password, salt, n, r, p);
        byte[] masterJson = MasterKeyJson.Serialize(master);
        try
        {
            return new KeyFile
            {
                Created = created.ToUniversalTime(),
                Username = username,
                Hostname = hostname,
                Kdf = "scrypt",
                N = n,
                R = r,
                P = p,
                Salt = salt,
                Data = user.Seal(masterJson),
            };
        }
        finally
        {
            CryptographicOperations.ZeroMemory(masterJson);
        }
    }

    /// <summary>The master key, or null when the password is wrong (MAC mismatch: try the next key file).</summary>
    /// <exception cref="InvalidDataException">the MAC verifies but the master key JSON inside is unusable.</exception>
    public CryptoKey? TryUnlock(ReadOnlySpan<byte> password)
    {
        if (Kdf != "scrypt") throw new InvalidDataException($"key file: unsupported kdf '{Kdf}'");
        if (Salt.Length != SaltSize) throw new InvalidDataException($"key file: salt must be {SaltSize} bytes (got {Salt.Length})");
        if (KeyDerivation.ValidateParameters(N, R, P) is { } error) throw new InvalidDataException("key file: " + error);
        if (Data.Length < CryptoKey.Overhead) return null;

        var user = KeyDerivation.Scrypt(password, Salt, N, R, P);
        byte[] plain = new byte[Data.Length - CryptoKey.Overhead];
        try
        {
            return user.TryOpen(Data, plain) ? MasterKeyJson.Parse(plain) : null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plain);
        }
    }
}
