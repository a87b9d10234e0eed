using System.Text;
using Coffre.Repository.Crypto;

namespace Coffre.Repository.Keys;

/// <summary>The master key as stored (sealed) inside a key file: <c>{"mac":{"k":"..","r":".."},"encrypt":".."}</c>.</summary>
public static class MasterKeyJson
{
    private const string What = "master key";

    public static byte[] Serialize(CryptoKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        string json = "{\"mac\":{\"k\":\"" + Convert.ToBase64String(key.MacK) + "\",\"r\":\"" + Convert.ToBase64String(key.MacR) +
                      "\"},\"encrypt\":\"" + Convert.ToBase64String(key.Encrypt) + "\"}";
        return Encoding.UTF8.GetBytes(json);
    }

    /// <exception cref="InvalidDataException">malformed JSON, wrong key lengths or an all-zero key.</exception>
    public static CryptoKey Parse(ReadOnlySpan<byte> json)
    {
        byte[]? k = null, r = null, encrypt = null;
        using (var doc = GoJsonText.ParseObject(json, What))
        {
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                if (p.Value.ValueKind == System.Text.Json.JsonValueKind.Null) continue;
                if (GoJsonText.Is(p, "encrypt"))
                {
                    encrypt = GoJsonText.GetBase64(p, What);
                }
                else if (GoJsonText.Is(p, "mac"))
                {
                    if (p.Value.ValueKind != System.Text.Json.JsonValueKind.Object) throw new InvalidDataException("master key: \"mac\" must be an object");
                    foreach (var m in p.Value.EnumerateObject())
                    {
                        if (m.Value.ValueKind == System.Text.Json.JsonValueKind.Null) continue;
                        if (GoJsonText.Is(m, "k")) k = GoJsonText.GetBase64(m, What);
                        else if (GoJsonText.Is(m, "r")) r = GoJsonText.GetBase64(m, What);
                    }
                }
            }
        }
        if (encrypt is not { Length: CryptoKey.EncryptSize }) throw new InvalidDataException("master key: \"encrypt\" must be 32 bytes");
        if (k is not { Length: CryptoKey.MacKeySize }) throw new InvalidDataException("master key: \"mac.k\" must be 16 bytes");
        if (r is not { Length: CryptoKey.MacKeySize }) throw new InvalidDataException("master key: \"mac.r\" must be 16 bytes");
        var key = new CryptoKey(encrypt, k, r);
        if (!key.IsValid) throw new InvalidDataException("master key: invalid (all-zero) key");
        return key;
    }
}
