using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Coffre.EndToEndTests;

/// <summary>
/// What a person sees of the dashboard, found by roles and visible text (buttons, headings, column headers) rather
/// than by CSS paths, so the page's markup can change without breaking the tests.
/// </summary>
internal static class DashboardView
{
    /// <summary>Fills the login form and presses "Log in".</summary>
    public static async Task SubmitLoginAsync(IPage page, string user, string password)
    {
        if (!new Uri(page.Url).AbsolutePath.StartsWith("/login", StringComparison.Ordinal)) await page.GotoAsync("/login");
        await page.GetByLabel("User").FillAsync(user);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
    }

    /// <summary>Logs in with the right password and waits for the dashboard.</summary>
    public static async Task LogInAsync(IPage page)
    {
        await SubmitLoginAsync(page, IntegrationTests.Server.ServedApp.User, IntegrationTests.Server.ServedApp.Password);
        await Expect(BackupsHeading(page)).ToBeVisibleAsync();
    }

    public static ILocator BackupsHeading(IPage page) => page.GetByRole(AriaRole.Heading, new() { Name = "Backups", Exact = true });

    /// <summary>The table of the application's backups (the one with a Contents column).</summary>
    public static ILocator BackupsTable(IPage page) => TableWithColumn(page, "Contents");

    /// <summary>The journal's tail (the table with an Operation column).</summary>
    public static ILocator RunsTable(IPage page) => TableWithColumn(page, "Operation");

    /// <summary>The sign-ins (the table with a Who column).</summary>
    public static ILocator SignInsTable(IPage page) => TableWithColumn(page, "Who");

    /// <summary>The rows of a table, without its header row.</summary>
    public static ILocator Rows(ILocator table) => table.GetByRole(AriaRole.Row).Filter(new() { Has = table.Page.GetByRole(AriaRole.Cell) });

    /// <summary>The backup row that shows this snapshot's short ID.</summary>
    public static ILocator BackupRow(IPage page, string snapshotId) => Rows(BackupsTable(page)).Filter(new() { HasText = snapshotId[..8] });

    /// <summary>The journal rows of an operation (backup, drill, login...).</summary>
    public static ILocator RunRows(IPage page, string operation) =>
        Rows(RunsTable(page)).Filter(new() { Has = page.GetByRole(AriaRole.Cell, new() { Name = operation, Exact = true }) });

    /// <summary>The cells of a row, left to right.</summary>
    public static async Task<IReadOnlyList<string>> CellsAsync(ILocator row) =>
        (await row.GetByRole(AriaRole.Cell).AllInnerTextsAsync()).Select(c => c.Trim()).ToList();

    /// <summary>
    /// Waits until a backup started from the page has finished: a backup row not in <paramref name="before"/> is
    /// listed and the journal tail shows a backup run of it. Returns the new backup's short ID. The test never reloads:
    /// the dashboard follows the job live (the Running line) and reloads itself when the job ends.
    /// </summary>
    public static async Task<string> WaitForNewBackupAsync(IPage page, IReadOnlyCollection<string> before, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                var fresh = (await ShortIdsAsync(page)).Except(before, StringComparer.Ordinal).ToList();
                if (fresh.Count > 0 && await RunRows(page, "backup").Filter(new() { HasText = fresh[0] }).CountAsync() > 0)
                    return fresh[0];
            }
            catch (PlaywrightException) { } // the page reloaded itself while it was being read
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"no new finished backup after {timeout} (the page did not reload itself); it shows:\n{await page.Locator("body").InnerTextAsync()}");
            await Task.Delay(250);
        }
    }

    /// <summary>The short IDs of the listed backups (8 hex digits in each row's first cell, under the stamp).</summary>
    public static async Task<IReadOnlyList<string>> ShortIdsAsync(IPage page)
    {
        var rows = Rows(BackupsTable(page));
        var ids = new List<string>();
        for (var i = 0; i < await rows.CountAsync(); i++)
            ids.Add(System.Text.RegularExpressions.Regex.Match(await rows.Nth(i).GetByRole(AriaRole.Cell).First.InnerTextAsync(), @"\b[0-9a-f]{8}\b").Value);
        return ids;
    }

    private static ILocator TableWithColumn(IPage page, string column) =>
        page.GetByRole(AriaRole.Table).Filter(new() { Has = page.GetByRole(AriaRole.Columnheader, new() { Name = column, Exact = true }) });
}
