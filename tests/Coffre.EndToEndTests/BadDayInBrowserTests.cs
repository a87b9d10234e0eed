using System.Buffers.Binary;
using Microsoft.Playwright;
using static Coffre.EndToEndTests.DashboardView;
using static Microsoft.Playwright.Assertions;

namespace Coffre.EndToEndTests;

/// <summary>
/// A bad day in a real browser: a data pack of the repository is lost, "Check the repository now" fails and says so,
/// "Verify this backup" finds the damaged backup; each page at desktop and at phone width, screenshotted. The
/// screenshots go to the test's folder, and to <c>$COFFRE_SCREENSHOTS</c> when it is set (docs/screenshots/regenerate.sh).
/// </summary>
public sealed class BadDayInBrowserTests(ServedDashboard served) : IClassFixture<ServedDashboard>
{
    private static readonly ViewportSize Desktop = new() { Width = 1280, Height = 900 };
    private static readonly ViewportSize Phone = new() { Width = 390, Height = 844 };
    private static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(2);

    [BrowserFact]
    public async Task A_lost_pack_fails_the_check_and_the_verify_of_the_backup_and_the_pages_say_so_on_a_desktop_and_a_phone()
    {
        // The largest pack is the data of the backup (its trees are in a pack of their own).
        var pack = new DirectoryInfo(Path.Combine(served.AppRoot, "repo", "data")).EnumerateFiles("*", SearchOption.AllDirectories).MaxBy(f => f.Length)!;
        pack.Delete();

        var page = await served.NewPageAsync(new BrowserNewContextOptions { ViewportSize = Desktop });
        await LogInAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Check the repository now" }).ClickAsync();
        var banner = page.Locator("#banner");
        await Expect(banner).ToContainTextAsync("The check of", new() { Timeout = (float)JobTimeout.TotalMilliseconds });
        await Expect(banner).ToContainTextAsync("failed");
        await Expect(page.Locator("#runs")).ToContainTextAsync("check");
        await ShotAsync(page, "bad-day-check-desktop.png", Desktop.Width);
        var checkPage = page.Url;

        var phone = await served.NewPageAsync(new BrowserNewContextOptions { ViewportSize = Phone, IsMobile = true, HasTouch = true, DeviceScaleFactor = 2 });
        await LogInAsync(phone);
        await phone.GotoAsync(checkPage);
        await Expect(phone.Locator("#banner")).ToContainTextAsync("failed");
        // On a phone the status column is on the screen, and a download link is a finger's size.
        var status = await BackupsTable(phone).GetByRole(AriaRole.Columnheader, new() { Name = "Status", Exact = true }).BoundingBoxAsync();
        Assert.NotNull(status);
        Assert.True(status.X >= 0 && status.X + status.Width <= Phone.Width, $"the Status column is at {status.X}..{status.X + status.Width} px on a {Phone.Width} px screen");
        var download = BackupRow(phone, served.FirstSnapshot).GetByRole(AriaRole.Link, new() { Name = "download" });
        var box = await download.BoundingBoxAsync();
        Assert.NotNull(box);
        Assert.True(box.Height >= 44 && box.Width >= 44, $"the download link is {box.Width}×{box.Height} px");
        await ShotAsync(phone, "bad-day-check-phone.png", Phone.Width);

        // The damaged backup: verify it from its page.
        await page.GotoAsync($"/backups/{served.FirstSnapshot}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify this backup" }).ClickAsync();
        await Expect(banner).ToContainTextAsync("The verify of", new() { Timeout = (float)JobTimeout.TotalMilliseconds });
        await Expect(banner).ToContainTextAsync("failed");
        await ShotAsync(page, "bad-day-damaged-backup-desktop.png", Desktop.Width);
        await phone.GotoAsync(page.Url);
        await Expect(phone.Locator("#banner")).ToContainTextAsync("failed");
        await ShotAsync(phone, "bad-day-damaged-backup-phone.png", Phone.Width);

        // The verify's own page: its summary and the lines it said.
        await page.Locator("#banner").GetByRole(AriaRole.Link, new() { Name = "its log" }).ClickAsync();
        await Expect(page.Locator("#summary")).ToContainTextAsync("failed");
        await Expect(page.Locator("#log")).ToContainTextAsync($"reading backup {served.FirstSnapshot[..8]} back in full");
    }

    private async Task ShotAsync(IPage page, string name, int width)
    {
        var file = Path.Combine(served.Folder, name);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });
        var png = await File.ReadAllBytesAsync(file);
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4));
        var scale = page.ViewportSize!.Width == Phone.Width ? 2 : 1;
        Assert.Equal(width * scale, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16))); // the page fits the screen's width
        if (Environment.GetEnvironmentVariable("COFFRE_SCREENSHOTS") is { Length: > 0 } folder)
            File.Copy(file, Path.Combine(folder, name), overwrite: true);
    }
}
