using System.Globalization;

namespace Coffre.Tests.Fuzz;

/// <summary>
/// The one size knob of the campaigns (docs/campaigns.md): COFFRE_CAMPAIGN_SCALE, default 1 = the sizes issue 10
/// asks for; 0.1 for a quick run, 10 for a long one.
/// </summary>
internal static class CampaignScale
{
    public const string Variable = "COFFRE_CAMPAIGN_SCALE";

    public static double Factor
    {
        get
        {
            var text = Environment.GetEnvironmentVariable(Variable);
            if (string.IsNullOrWhiteSpace(text)) return 1;
            return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var f) && f > 0
                ? f : throw new InvalidOperationException($"{Variable}={text}: expected a positive number");
        }
    }

    /// <summary><paramref name="atScaleOne"/> times the factor, at least 1.</summary>
    public static int Of(int atScaleOne) => Math.Max(1, (int)Math.Round(atScaleOne * Factor));
}
