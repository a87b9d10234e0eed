using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Coffre.Model;
using Coffre.Model.Json;
using Coffre.Repository.Crypto;

namespace Coffre.Repository.Keys;

/// <summary>A restic key file (<c>keys/&lt;id&gt;</c>, plain JSON): scrypt parameters plus the master key sealed with the derived user key.</summary>
public sealed class KeyFile
{
    private const string What = "key file";
    public const int SaltSize = 64;

    /// <summary>Creation time with nanoseconds and zone offset, so restic's key files re-serialise byte for byte (Go's zero time when absent).</summary>
    public GoTime Created { get; set; } = GoTime.Zero;

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
    /// <exception cref="InvalidDataException">malformed JSON or unusable contents (kdf not scrypt, salt not 64 bytes, bad N/r/p or a cost above <see cref="KeyDerivation.MaxCost"/>, short data).</exception>
    public static KeyFile Parse(ReadOnlySpan<byte> json)
    {
        var kf = new KeyFile { Kdf = "" };
        try
        {
            var r = JsonRead.Create(json);
            JsonRead.Next(ref r);
            if (r.TokenType != JsonTokenType.StartObject) throw new InvalidDataException("expected a JSON object");
            while (JsonRead.NextProperty(ref r))
            {
                byte[] name = JsonRead.Bytes(ref r).ToArray();
                JsonRead.Next(ref r);
                if (r.TokenType == JsonTokenType.Null) continue; // Go leaves the field unset
                if (Is(name, "created"u8)) kf.Created = JsonRead.Time(ref r, "created");
                else if (Is(name, "username"u8)) kf.Username = JsonRead.String(ref r, "username");
                else if (Is(name, "hostname"u8)) kf.Hostname = JsonRead.String(ref r, "hostname");
                else if (Is(name, "kdf"u8)) kf.Kdf = JsonRead.String(ref r, "kdf");
                else if (Is(name, "N"u8)) kf.N = Int32(ref r, "N");
                else if (Is(name, "r"u8)) kf.R = Int32(ref r, "r");
                else if (Is(name, "p"u8)) kf.P = Int32(ref r, "p");
                else if (Is(name, "salt"u8)) kf.Salt = JsonRead.Base64Bytes(ref r, "salt");
                else if (Is(name, "data"u8)) kf.Data = JsonRead.Base64Bytes(ref r, "data");
                else r.Skip();
            }
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{What}: {e.Message}", e);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            throw JsonRead.Wrap(What, e);
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
        var w = new GoJsonWriter(512);
        w.WriteStartObject();
        w.WritePropertyName("created");
        w.WriteTime(Created);
        w.WritePropertyName("username");
        w.WriteString(Username);
        w.WritePropertyName("hostname");
        w.WriteString(Hostname);
        w.WritePropertyName("kdf");
        w.WriteString(Kdf);
        w.WritePropertyName("N");
        w.WriteNumber((long)N);
        w.WritePropertyName("r");
        w.WriteNumber((long)R);
        w.WritePropertyName("p");
        w.WriteNumber((long)P);
        w.WritePropertyName("salt");
        w.WriteBase64String(Salt);
        w.WritePropertyName("data");
        w.WriteBase64String(Data);
        w.WriteEndObject();
        return w.ToArray();
    }

    private static bool Is(ReadOnlySpan<byte> name, ReadOnlySpan<byte> key) => Ascii.EqualsIgnoreCase(name, key); // Go matches keys case-insensitively

    private static int Int32(ref Utf8JsonReader r, string field)
    {
        long v = JsonRead.Int64(ref r, field);
        return v is >= int.MinValue and <= int.MaxValue ? (int)v : throw JsonRead.Mismatch(field, "an integer");
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
                Created = GoTime.FromDateTimeOffset(created.ToUniversalTime()),
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
    /// <param name="ct">Ends the derivation early (a signal); <see cref="OperationCanceledException"/> then.</param>
    public CryptoKey? TryUnlock(ReadOnlySpan<byte> password, CancellationToken ct = default)
    {
        if (Kdf != "scrypt") throw new InvalidDataException($"key file: unsupported kdf '{Kdf}'");
        if (Salt.Length != SaltSize) throw new InvalidDataException($"key file: salt must be {SaltSize} bytes (got {Salt.Length})");
        if (KeyDerivation.ValidateParameters(N, R, P) is { } error) throw new InvalidDataException("key file: " + error);
        if (Data.Length < CryptoKey.Overhead) return null;

        var user = KeyDerivation.Scrypt(password, Salt, N, R, P, ct);
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
