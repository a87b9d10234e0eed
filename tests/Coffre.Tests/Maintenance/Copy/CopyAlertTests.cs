using Coffre.Alerts;
using Coffre.Configuration;
using Coffre.Jobs;
using Coffre.Journal;
using Coffre.Model;

namespace Coffre.Tests.Maintenance.Copy;

/// <summary>A backup whose copy failed raises <c>copy-failed</c> (the backup itself is ok); one copied everywhere resolves it.</summary>
public class CopyAlertTests
{
    private static readonly CoffreConfig Config = new() { Application = "shop", Repository = { Path = "/srv/shop/backups" } };

    private static List<(string Kind, string? Message)> Steps(params CopyOutcome[] copies)
    {
        var run = RunDetails.Begin("backup", TimeProvider.System);
        run.ForApplication(Config);
        run.CopiesDone(copies);
        return [.. RunAlertPolicy.Steps(run, ExitCodes.Ok, null, null).Select(s => (s.Kind, s.Message))];
    }

    [Fact]
    public void A_failed_copy_raises_copy_failed_and_a_backup_copied_everywhere_resolves_it()
    {
        var good = new CopyOutcome("/mnt/usb", BlobId.Hash([1]), null, null, null);
        var bad = new CopyOutcome("/mnt/nas", null, null, null, "no repository at /mnt/nas");

        var raised = Steps(good, bad);
        Assert.Equal((IncidentKinds.BackupFailed, (string?)null), raised[0]);
        Assert.Equal(IncidentKinds.CopyFailed, raised[1].Kind);
        Assert.Contains("/mnt/nas: failed: no repository at /mnt/nas", raised[1].Message, StringComparison.Ordinal);

        Assert.Equal([(IncidentKinds.BackupFailed, (string?)null), (IncidentKinds.CopyFailed, (string?)null)], Steps(good));
        Assert.Equal([(IncidentKinds.BackupFailed, (string?)null)], Steps()); // no copies configured: nothing said about them
    }
}
