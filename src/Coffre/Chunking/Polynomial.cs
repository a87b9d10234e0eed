using System.Buffers.Binary;
using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;

namespace Coffre.Chunking;

/// <summary>
/// A polynomial over GF(2) packed into 64 bits (bit i = coefficient of x^i), as restic's <c>chunker.Pol</c>.
/// The repository <c>config</c> stores it as <c>chunker_polynomial</c>: lowercase hex, no <c>0x</c>.
/// </summary>
public readonly record struct Polynomial(ulong Value)
{
    /// <summary>Degree of the polynomial; -1 for the zero polynomial.</summary>
    public int Degree => Value == 0 ? -1 : BitOperations.Log2(Value);

    /// <summary>
    /// Ben-Or's irreducibility test, as restic's <c>Pol.Irreducible</c>: for i = 1..deg/2,
    /// gcd(x^(2^i) - x mod p, p) must be 1. The zero polynomial and the constant 1 are reported as not
    /// irreducible (restic's loop would vacuously accept them; they are no valid chunker polynomial anyway).
    /// </summary>
    public bool IsIrreducible()
    {
        ulong p = Value;
        if (p < 2) return false;
        int half = Degree / 2;
        ulong xPow = 2; // x^(2^0) = x
        for (int i = 1; i <= half; i++)
        {
            xPow = MulMod(xPow, xPow, p);             // x^(2^i) mod p
            ulong q = Mod(xPow ^ 2, p);               // x^(2^i) - x (= +x over GF(2)) mod p
            if (Gcd(p, q) != 1) return false;
        }
        return true;
    }

    /// <summary>
    /// A random irreducible polynomial of degree 53, drawn as restic's <c>RandomPolynomial</c>:
    /// 64 random bits, masked to 54 bits, with bits 53 and 0 set, retried until irreducible.
    /// </summary>
    public static Polynomial Random()
    {
        Span<byte> raw = stackalloc byte[8];
        for (int attempt = 0; attempt < 1_000_000; attempt++)
        {
            RandomNumberGenerator.Fill(raw);
            ulong f = BinaryPrimitives.ReadUInt64LittleEndian(raw);
            f &= (1UL << 54) - 1;
            f |= (1UL << 53) | 1;
            var pol = new Polynomial(f);
            if (pol.IsIrreducible()) return pol;
        }
        throw new InvalidOperationException("unable to find a random irreducible polynomial");
    }

    /// <summary>Lowercase hex without <c>0x</c> (the <c>config</c> JSON form).</summary>
    public override string ToString() => Value.ToString("x", CultureInfo.InvariantCulture);

    /// <summary>Parses 1 to 16 hex digits (either case, no prefix, no sign, no whitespace), as Go's <c>strconv.ParseUint(s, 16, 64)</c>.</summary>
    /// <exception cref="FormatException">The text is not such a hex number.</exception>
    public static Polynomial Parse(string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        if (!TryParse(hex, out var result))
            throw new FormatException($"invalid chunker polynomial \"{hex}\": expected 1 to 16 hex digits");
        return result;
    }

    /// <summary>Non-throwing <see cref="Parse"/>.</summary>
    public static bool TryParse(string? hex, out Polynomial result)
    {
        result = default;
        if (string.IsNullOrEmpty(hex)) return false;
        // Leading zeros are allowed by Go; only the significant digits must fit in 64 bits.
        ulong v = 0;
        int significant = 0;
        foreach (char c in hex)
        {
            int d = c switch
            {
                >= '0' and <= '9' => c - '0',
                >= 'a' and <= 'f' => c - 'a' + 10,
                >= 'A' and <= 'F' => c - 'A' + 10,
                _ => -1,
            };
            if (d < 0) return false;
            if (v != 0 || d != 0) significant++;
            if (significant > 16) return false;
            v = (v << 4) | (uint)d;
        }
        result = new Polynomial(v);
        return true;
    }

    // ---- GF(2)[x] arithmetic on 64-bit values ----

    /// <summary>x mod d (d != 0).</summary>
    internal static ulong Mod(ulong x, ulong d)
    {
        if (d == 0) throw new DivideByZeroException();
        int dd = BitOperations.Log2(d);
        while (x != 0)
        {
            int diff = BitOperations.Log2(x) - dd;
            if (diff < 0) break;
            x ^= d << diff;
        }
        return x;
    }

    /// <summary>(a * b) mod m without ever exceeding 64 bits (shift-and-add with reduction after each doubling).</summary>
    internal static ulong MulMod(ulong a, ulong b, ulong m)
    {
        a = Mod(a, m);
        b = Mod(b, m);
        int deg = BitOperations.Log2(m);
        ulong top = 1UL << deg;
        ulong res = 0;
        while (b != 0)
        {
            if ((b & 1) != 0) res ^= a;
            b >>= 1;
            // a has degree < deg, so a << 1 has degree <= deg <= 63: no overflow.
            a <<= 1;
            if ((a & top) != 0) a ^= m;
        }
        return res;
    }

    /// <summary>Greatest common divisor in GF(2)[x].</summary>
    internal static ulong Gcd(ulong a, ulong b)
    {
        while (b != 0)
        {
            ulong r = Mod(a, b);
            a = b;
            b = r;
        }
        return a;
    }

    /// <summary>Carry-less product; the caller guarantees deg(a) + deg(b) &lt; 64.</summary>
    internal static ulong Mul(ulong a, ulong b)
    {
        ulong res = 0;
        while (b != 0)
        {
            if ((b & 1) != 0) res ^= a;
            b >>= 1;
            a <<= 1;
        }
        return res;
    }
}
