namespace Coffre.Tests.Platform;

/// <summary>C# has no octal literals: <c>Octal.O(4755)</c> reads the decimal digits as octal (04755).</summary>
internal static class Octal
{
    public static uint O(int digits) => Convert.ToUInt32(digits.ToString(System.Globalization.CultureInfo.InvariantCulture), 8);
}
