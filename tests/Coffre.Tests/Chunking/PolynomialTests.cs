using System.Runtime.Versioning;
using Coffre.Chunking;

namespace Coffre.Tests.Chunking;

[SupportedOSPlatform("linux")] // Coffre is Linux-only (assembly attribute)
public class PolynomialTests
{
    [Theory]
    [InlineData(0x3f8da62e97eccbUL)] // the fixture repository's polynomial (§15.8)
    [InlineData(0x3cfc63a246c287UL)] // another restic 0.14 repository
    [InlineData(0x3DA3358B4DC173UL)] // restic/chunker test table
    [InlineData(0x2482734cacca49UL)]
    [InlineData(0x7UL)]              // x^2+x+1
    [InlineData(0xbUL)]              // x^3+x+1
    [InlineData(0x11bUL)]            // AES field polynomial
    [InlineData(0x11dUL)]
    [InlineData(0x2UL)]              // x
    [InlineData(0x3UL)]              // x+1
    public void KnownIrreducible(ulong value) => Assert.True(new Polynomial(value).IsIrreducible());

    [Theory]
    // restic/chunker test table (all degree 53)
    [InlineData(0x38f1e565e288dfUL)]
    [InlineData(0x30a8295b9d5c91UL)]
    [InlineData(0x255f4350b962cbUL)]
    [InlineData(0x267f776110a235UL)]
    [InlineData(0x2f4dae10d41227UL)]
    [InlineData(0x312daf4b284899UL)]
    [InlineData(0x29dfb6553d01d1UL)]
    [InlineData(0x3548245eb26257UL)]
    [InlineData(0x3199e7ef4211b3UL)]
    [InlineData(0x362f39017dae8bUL)]
    [InlineData(0x200d57aa6fdacbUL)]
    [InlineData(0x35e0a4efa1d275UL)]
    [InlineData(0x2ced55b026577fUL)]
    [InlineData(0x260b012010893dUL)]
    [InlineData(0x2df29cbcd59e9dUL)]
    [InlineData(0x3f2ac7488bd429UL)]
    [InlineData(0x3e5cb1711669fbUL)]
    [InlineData(0x226d8de57a9959UL)]
    [InlineData(0x3c8de80aaf5835UL)]
    [InlineData(0x2026a59efb219bUL)]
    [InlineData(0x39dfa4d13fb231UL)]
    [InlineData(0x3143d0464b3299UL)]
    [InlineData(0x20000000000001UL)] // x^53+1 = (x+1)(...)
    [InlineData(0x3f8da62e97eccaUL)] // divisible by x
    [InlineData(0x5UL)]              // (x+1)^2
    [InlineData(0xfUL)]              // (x+1)^3
    [InlineData(0x0UL)]
    [InlineData(0x1UL)]
    public void KnownReducible(ulong value) => Assert.False(new Polynomial(value).IsIrreducible());

    [Theory]
    [InlineData(0x7UL, 0x3f8da62e97eccbUL >> 2)]
    [InlineData(0xbUL, 0x2482734cacca49UL)]
    [InlineData(0x11bUL, 0x3DA3358B4DC173UL)]
    [InlineData(0x3f8da62e97eccbUL >> 27, 0x3cfc63a246c287UL >> 27)]
    [InlineData(0x2000001UL, 0x4000003UL)]
    public void ProductsAreReducible(ulong a, ulong b)
    {
        ulong product = Polynomial.Mul(a, b);
        Assert.Equal(new Polynomial(a).Degree + new Polynomial(b).Degree, new Polynomial(product).Degree);
        Assert.False(new Polynomial(product).IsIrreducible());
        // squares too (repeated factors), where they fit in 64 bits
        if (new Polynomial(a).Degree < 32)
            Assert.False(new Polynomial(Polynomial.Mul(a, a)).IsIrreducible());
    }

    [Fact]
    public void ProductsOfIrreduciblesAreReducible()
    {
        // The first few irreducible polynomials of degree 26; every product of two (degree 52) must be rejected.
        var irreducibles = new List<ulong>();
        for (ulong v = (1UL << 26) | 1; irreducibles.Count < 4; v += 2)
            if (new Polynomial(v).IsIrreducible()) irreducibles.Add(v);
        foreach (ulong a in irreducibles)
            foreach (ulong b in irreducibles)
                Assert.False(new Polynomial(Polynomial.Mul(a, b)).IsIrreducible());
    }

    [Fact]
    public void CountsOfIrreduciblePolynomialsMatchTheory()
    {
        // Number of irreducible polynomials of degree n over GF(2) (OEIS A001037), checked against the Ben-Or test
        int[] expected = [0, 2, 1, 2, 3, 6, 9, 18, 30, 56, 99, 186, 335, 630];
        for (int n = 1; n < expected.Length; n++)
        {
            int count = 0;
            for (ulong v = 1UL << n; v < 1UL << (n + 1); v++)
                if (new Polynomial(v).IsIrreducible()) count++;
            Assert.Equal(expected[n], count);
        }
    }

    [Fact]
    public void AgreesWithTrialDivision()
    {
        for (ulong v = 2; v < 1 << 12; v++)
        {
            bool irreducible = true;
            for (ulong d = 2; new Polynomial(d).Degree * 2 <= new Polynomial(v).Degree; d++)
                if (Polynomial.Mod(v, d) == 0) { irreducible = false; break; }
            Assert.True(irreducible == new Polynomial(v).IsIrreducible(), $"0x{v:x}");
        }
    }

    [Theory]
    [InlineData(10UL, 50UL, 2UL)]
    [InlineData(0UL, 1UL, 1UL)]
    [InlineData(0b101101001UL, 0b1010UL, 1UL)]
    [InlineData(2UL, 2UL, 2UL)]
    [InlineData(0b1010UL, 0b11UL, 0b11UL)]
    [InlineData(0x8000000000000000UL, 0x8000000000000000UL, 0x8000000000000000UL)]
    [InlineData(0b1100UL, 0b101UL, 0b11UL)]
    [InlineData(0b1100001111UL, 0b10011UL, 0b10011UL)]
    [InlineData(0x3DA3358B4DC173UL, 0x3DA3358B4DC173UL, 0x3DA3358B4DC173UL)]
    [InlineData(0x3DA3358B4DC173UL, 0x230d2259defdUL, 1UL)]
    [InlineData(0x230d2259defdUL, 0x51b492b3eff2UL, 0b10011UL)]
    public void Gcd(ulong a, ulong b, ulong gcd)
    {
        Assert.Equal(gcd, Polynomial.Gcd(a, b));
        Assert.Equal(gcd, Polynomial.Gcd(b, a));
    }

    [Theory]
    [InlineData(0x1230UL, 0x230UL, 0x55UL, 0x22UL)]
    [InlineData(0x0eae8c07dbbb3026UL, 0xd5d6db9de04771deUL, 0xdd2bda3b77c9UL, 0x425ae8595b7aUL)]
    public void MulMod(ulong a, ulong b, ulong m, ulong expected)
    {
        Assert.Equal(expected, Polynomial.MulMod(a, b, m));
        Assert.Equal(expected, Polynomial.MulMod(b, a, m));
    }

    [Theory]
    [InlineData(10UL, 50UL, 10UL)]
    [InlineData(0UL, 1UL, 0UL)]
    [InlineData(0b101101001UL, 0b1010UL, 1UL)]
    [InlineData(2UL, 2UL, 0UL)]
    [InlineData(0x8000000000000000UL, 0x8000000000000000UL, 0UL)]
    [InlineData(0b1100001111UL, 0b10011UL, 0UL)]
    public void Mod(ulong x, ulong d, ulong expected) => Assert.Equal(expected, Polynomial.Mod(x, d));

    [Fact]
    public void MulModHandlesFullWidthModulus()
    {
        // deg 63 modulus: the doubling step must not lose the top bit
        ulong m = 0x800000000000001bUL; // x^63+x^4+x^3+x+1
        ulong a = 0x7fffffffffffffffUL, b = 0x4000000000000000UL;
        // reference: repeated doubling
        ulong expected = a;
        for (int i = 0; i < 62; i++)
        {
            bool carry = (expected & 0x4000000000000000UL) != 0;
            expected <<= 1;
            if (carry) expected ^= m;
        }
        Assert.Equal(expected, Polynomial.MulMod(a, b, m));
    }

    [Fact]
    public void Degree()
    {
        Assert.Equal(-1, new Polynomial(0).Degree);
        Assert.Equal(0, new Polynomial(1).Degree);
        Assert.Equal(53, new Polynomial(0x3f8da62e97eccb).Degree);
        Assert.Equal(41, new Polynomial(0x3af4b284899).Degree);
        Assert.Equal(63, new Polynomial(ulong.MaxValue).Degree);
    }

    [Fact]
    public void RandomIsDegree53IrreducibleAndRandom()
    {
        var seen = new HashSet<ulong>();
        for (int i = 0; i < 8; i++)
        {
            var p = Polynomial.Random();
            Assert.Equal(53, p.Degree);
            Assert.Equal(1UL, p.Value & 1);
            Assert.True(p.IsIrreducible());
            seen.Add(p.Value);
        }
        Assert.True(seen.Count > 1);
    }

    [Fact]
    public void HexRoundTrip()
    {
        var p = new Polynomial(0x3f8da62e97eccb);
        Assert.Equal("3f8da62e97eccb", p.ToString());
        Assert.Equal(p, Polynomial.Parse("3f8da62e97eccb"));
        Assert.Equal(p, Polynomial.Parse("3F8DA62E97ECCB"));
        Assert.Equal(p, Polynomial.Parse("00003f8da62e97eccb"));
        Assert.Equal(new Polynomial(ulong.MaxValue), Polynomial.Parse("ffffffffffffffff"));
        Assert.Equal("0", new Polynomial(0).ToString());
        var r = Polynomial.Random();
        Assert.Equal(r, Polynomial.Parse(r.ToString()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("0x3f8da62e97eccb")]
    [InlineData(" 3f8da62e97eccb")]
    [InlineData("3f8da62e97eccb ")]
    [InlineData("-1")]
    [InlineData("+1")]
    [InlineData("xyz")]
    [InlineData("3f8d_a62e")]
    [InlineData("10000000000000000")]
    public void ParseRejects(string text)
    {
        Assert.Throws<FormatException>(() => Polynomial.Parse(text));
        Assert.False(Polynomial.TryParse(text, out _));
    }
}
