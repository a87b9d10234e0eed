using System.Text;
using System.Text.Json;
using Coffre.Model.Json;
using Coffre.Repository.Crypto;

namespace Coffre.Repository.Keys;

/// <summary>The master key as stored (sealed) inside a key file: <c>{"mac":{"k":"..","r":".."},"encrypt":".."}</c>.</summary>
public static class MasterKeyJson
{
    private const string What = "master key";

    public static byte[] Serialize(CryptoKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var w = new GoJsonWriter(160);
        w.WriteStartObject();
        w.WritePropertyName("mac");
        w.WriteStartObject();
        w.WritePropertyName("k");
        w.WriteBase64String(key.MacK);
        w.WritePropertyName("r");
        w.WriteBase64String(key.MacR);
        w.WriteEndObject();
        w.WritePropertyName("encrypt");
        w.WriteBase64String(key.Encrypt);
        w.WriteEndObject();
        byte[] json = w.ToArray();
        w.Reset(); // wipes the writer's copy of the key
        return json;
    }

    /// <exception cref="InvalidDataException">malformed JSON, wrong key lengths or an all-zero key.</exception>
    public static CryptoKey Parse(ReadOnlySpan<byte> json)
    {
        byte[]? k = null, r = null, encrypt = null;
        try
        {
            var reader = JsonRead.Create(json);
            JsonRead.Next(ref reader);
            if (reader.TokenType != JsonTokenType.StartObject) throw new InvalidDataException("expected a JSON object");
            while (JsonRead.NextProperty(ref reader))
            {
                byte[] name = JsonRead.Bytes(ref reader).ToArray();
                JsonRead.Next(ref reader);
                if (reader.TokenType == JsonTokenType.Null) continue;
                if (Is(name, "encrypt"u8))
                {
                    encrypt = JsonRead.Base64Bytes(ref reader, "encrypt");
                }
                else if (Is(name, "mac"u8))
                {
                    if (reader.TokenType != JsonTokenType.StartObject) throw new InvalidDataException("\"mac\" must be an object");
                    while (JsonRead.NextProperty(ref reader))
                    {
                        byte[] macName = JsonRead.Bytes(ref reader).ToArray();
                        JsonRead.Next(ref reader);
                        if (reader.TokenType == JsonTokenType.Null) continue;
                        if (Is(macName, "k"u8)) k = JsonRead.Base64Bytes(ref reader, "mac.k");
                        else if (Is(macName, "r"u8)) r = JsonRead.Base64Bytes(ref reader, "mac.r");
                        else reader.Skip();
                    }
                }
                else
                {
                    reader.Skip();
                }
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
        if (encrypt is not { Length: CryptoKey.EncryptSize }) throw new InvalidDataException("master key: \"encrypt\" must be 32 bytes");
        if (k is not { Length: CryptoKey.MacKeySize }) throw new InvalidDataException("master key: \"mac.k\" must be 16 bytes");
        if (r is not { Length: CryptoKey.MacKeySize }) throw new InvalidDataException("master key: \"mac.r\" must be 16 bytes");
        var key = new CryptoKey(encrypt, k, r);
        if (!key.IsValid) throw new InvalidDataException("master key: invalid (all-zero) key");
        return key;
    }

    private static bool Is(ReadOnlySpan<byte> name, ReadOnlySpan<byte> key) => Ascii.EqualsIgnoreCase(name, key); // Go matches keys case-insensitively
}
