using Coffre.IntegrationTests.Sources;
using Microsoft.Playwright;

namespace Coffre.EndToEndTests;

/// <summary>
/// Debian's chromium driven by Playwright (docs/dotnet-stack.md row 9): Playwright never downloads a browser here,
/// it is always given /usr/bin/chromium. --no-sandbox because the tests may run as root (CI containers).
/// </summary>
internal static class Chromium
{
    public const string ExecutablePath = "/usr/bin/chromium";

    public static Task<IBrowser> LaunchAsync(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = ExecutablePath,
        Headless = true,
        Args =
        [
            "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-default-apps", "--disable-sync", "--no-first-run",
        ],
    });
}

/// <summary>A test that needs the browser: skipped without /usr/bin/chromium, except in CI (CI=true), where that is a failure.</summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (!File.Exists(Chromium.ExecutablePath) && !TestServers.InCi)
            Skip = $"needs Debian's chromium at {Chromium.ExecutablePath} (./test.sh installs it: apt-get install chromium); CI=true makes this a failure";
    }
}
