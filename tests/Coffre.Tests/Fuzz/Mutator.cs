using System.Text;

namespace Coffre.Tests.Fuzz;

/// <summary>
/// Deterministic mutations of a valid input: byte and bit flips, truncations, insertions, deletions, duplicated
/// slices, huge or odd numbers, deep nesting, values of the wrong type and hostile strings. One seed gives one
/// mutated input and a description of the steps, so a failure can be replayed.
/// </summary>
internal static class Mutator
{
    private static readonly string[] Numbers =
    [
        "99999999999999999999999999", "-1", "4294967295", "4294967296", "2147483647", "2147483648", "-2147483649",
        "18446744073709551615", "18446744073709551616", "9223372036854775808", "-9223372036854775809", "1e400", "1.5",
        "-0", "0", "1E3", "0x10", "00",
    ];

    private static readonly string[] Values =
    [
        "null", "true", "false", "0", "-1", "\"\"", "\"x\"", "[]", "{}", "[1,2]", "{\"a\":1}", "[null]", "\"\\u0000\"",
        "\"../../x\"", "\"2024-13-45T99:99:99Z\"", "\"" + new string('A', 70_000) + "\"", "[" + string.Join(',', Enumerable.Repeat("{}", 2000)) + "]",
    ];

    private static readonly string[] Strings =
    [
        "", "..", ".", "../x", "a/../../x", "/", "a/b", "\\u0000", "\\ud800", "\\udfff\\ud800", "\\\\", "\\\"", "\\u00e9",
        "zz", "0000000000000000000000000000000000000000000000000000000000000000",
        "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff", "====", "////////", new string('a', 70_000),
    ];

    private static readonly byte[] Interesting = [0, 0xFF, 0x7F, 0x80, (byte)'"', (byte)'{', (byte)'}', (byte)'[', (byte)']', (byte)'\\', (byte)',', (byte)':', (byte)'0', (byte)'-'];

    public static (byte[] Input, string Steps) Mutate(byte[] valid, int seed)
    {
        var rng = new Random(seed);
        var data = new List<byte>(valid);
        var steps = new StringBuilder();
        var count = 1 + rng.Next(rng.Next(4) == 0 ? 8 : 3);
        for (var i = 0; i < count; i++) steps.Append(Step(rng, data)).Append("; ");
        return ([.. data], steps.ToString());
    }

    private static string Step(Random rng, List<byte> d)
    {
        var op = rng.Next(12);
        if (d.Count == 0) op = 3;
        switch (op)
        {
            case 0:
            {
                var p = rng.Next(d.Count);
                var bit = rng.Next(8);
                d[p] ^= (byte)(1 << bit);
                return $"flip bit {bit} at {p}";
            }
            case 1:
            {
                var p = rng.Next(d.Count);
                var b = rng.Next(2) == 0 ? Interesting[rng.Next(Interesting.Length)] : (byte)rng.Next(256);
                d[p] = b;
                return $"set byte {p}={b:x2}";
            }
            case 2:
            {
                var n = rng.Next(d.Count);
                d.RemoveRange(n, d.Count - n);
                return $"truncate to {n}";
            }
            case 3:
            {
                var p = rng.Next(d.Count + 1);
                var ins = new byte[1 + rng.Next(16)];
                rng.NextBytes(ins);
                d.InsertRange(p, ins);
                return $"insert {ins.Length} random bytes at {p}";
            }
            case 4:
            {
                var p = rng.Next(d.Count);
                var n = Math.Min(d.Count - p, 1 + rng.Next(64));
                d.RemoveRange(p, n);
                return $"delete {n} at {p}";
            }
            case 5:
            {
                var p = rng.Next(d.Count);
                var n = Math.Min(d.Count - p, 1 + rng.Next(256));
                var slice = d.GetRange(p, n);
                var at = rng.Next(d.Count + 1);
                for (var k = rng.Next(1, 4); k > 0; k--) d.InsertRange(at, slice);
                return $"duplicate {n} from {p} at {at}";
            }
            case 6: return ReplaceNumber(rng, d);
            case 7:
            {
                var depth = new[] { 64, 999, 1001, 5000, 200_000 }[rng.Next(5)];
                var p = ValueStart(rng, d);
                var open = rng.Next(2) == 0 ? "[" : "{\"nodes\":";
                var close = open == "[" ? "]" : "}";
                var sb = new StringBuilder();
                for (var i = 0; i < depth; i++) sb.Append(open);
                sb.Append("null");
                var balanced = rng.Next(2) == 0;
                if (balanced) for (var i = 0; i < depth; i++) sb.Append(close);
                d.InsertRange(p, Encoding.UTF8.GetBytes(sb.ToString()));
                return $"nest {open} x{depth} at {p} (balanced {balanced})";
            }
            case 8: return ReplaceValue(rng, d);
            case 9: return ReplaceString(rng, d);
            case 10:
            {
                // A little-endian 32-bit field (binary inputs: lengths, offsets) set to an extreme.
                if (d.Count < 4) return "no room for u32";
                var p = rng.Next(d.Count - 3);
                var v = new uint[] { 0, 1, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0xFFFFFFF0, 0x10000 }[rng.Next(7)];
                for (var i = 0; i < 4; i++) d[p + i] = (byte)(v >> (8 * i));
                return $"u32 at {p}={v:x}";
            }
            default:
            {
                var p = rng.Next(d.Count);
                var n = Math.Min(d.Count - p, 1 + rng.Next(8));
                for (var i = 0; i < n; i++) d[p + i] = (byte)rng.Next(256);
                return $"randomize {n} at {p}";
            }
        }
    }

    private static int ValueStart(Random rng, List<byte> d)
    {
        var colons = Positions(d, (byte)':');
        return colons.Count == 0 ? rng.Next(d.Count + 1) : colons[rng.Next(colons.Count)] + 1;
    }

    private static string ReplaceNumber(Random rng, List<byte> d)
    {
        var starts = new List<int>();
        for (var i = 0; i < d.Count; i++)
            if (IsDigit(d[i]) && (i == 0 || !IsDigit(d[i - 1]) && d[i - 1] != (byte)'"' && !IsHex(d[i - 1]))) starts.Add(i);
        if (starts.Count == 0) return "no number";
        var p = starts[rng.Next(starts.Count)];
        var end = p;
        while (end < d.Count && (IsDigit(d[end]) || d[end] is (byte)'.' or (byte)'e' or (byte)'E' or (byte)'-' or (byte)'+')) end++;
        var n = Numbers[rng.Next(Numbers.Length)];
        d.RemoveRange(p, end - p);
        d.InsertRange(p, Encoding.ASCII.GetBytes(n));
        return $"number at {p}={n}";
    }

    private static string ReplaceValue(Random rng, List<byte> d)
    {
        var colons = Positions(d, (byte)':');
        if (colons.Count == 0) return "no value";
        var p = colons[rng.Next(colons.Count)] + 1;
        var end = ValueEnd(d, p);
        var v = Values[rng.Next(Values.Length)];
        d.RemoveRange(p, end - p);
        d.InsertRange(p, Encoding.UTF8.GetBytes(v));
        return $"value at {p}={(v.Length > 40 ? v[..40] + "..." : v)}";
    }

    private static string ReplaceString(Random rng, List<byte> d)
    {
        var quotes = Positions(d, (byte)'"');
        if (quotes.Count < 2) return "no string";
        var k = rng.Next(quotes.Count - 1);
        var (a, b) = (quotes[k] + 1, quotes[k + 1]);
        var s = Strings[rng.Next(Strings.Length)];
        d.RemoveRange(a, b - a);
        d.InsertRange(a, Encoding.UTF8.GetBytes(s));
        return $"string at {a}={(s.Length > 40 ? s[..40] + "..." : s)}";
    }

    /// <summary>Where the JSON value starting at <paramref name="p"/> ends (same nesting level, outside strings).</summary>
    private static int ValueEnd(List<byte> d, int p)
    {
        var depth = 0;
        var inString = false;
        for (var i = p; i < d.Count; i++)
        {
            var c = d[i];
            if (inString)
            {
                if (c == (byte)'\\') i++;
                else if (c == (byte)'"') inString = false;
                continue;
            }
            switch (c)
            {
                case (byte)'"': inString = true; break;
                case (byte)'[' or (byte)'{': depth++; break;
                case (byte)']' or (byte)'}':
                    if (depth == 0) return i;
                    depth--;
                    break;
                case (byte)',' when depth == 0: return i;
            }
        }
        return d.Count;
    }

    private static List<int> Positions(List<byte> d, byte c)
    {
        var list = new List<int>();
        for (var i = 0; i < d.Count; i++) if (d[i] == c) list.Add(i);
        return list;
    }

    private static bool IsDigit(byte c) => c is >= (byte)'0' and <= (byte)'9';
    private static bool IsHex(byte c) => IsDigit(c) || c is >= (byte)'a' and <= (byte)'f';
}
