using System.Text;
using System.Text.Json;
using Coffre.Archives;

namespace Coffre.Tests.Jobs.Archives;

/// <summary>FILE.tar.gz.json: the old script's field names, order and formats, read and written; its time rule; verification.</summary>
public class ArchiveSidecarTests
{
    /// <summary>The example in the old script's report (shared/seeds), hash written out in full.</summary>
    private const string ScriptSidecar = """
        {"backup_file": "backup_complet_institut_torii_db_20260129_093829.tar.gz", "timestamp": "20260129_093829", "datetime": "2026-01-29T09:38:33.420423", "database": "institut_torii_db", "type": "COMPLETE", "size_mb": 25.18, "hash": "D1516B2F7540DB91aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "includes": ["database", "media", "documents"], "status": "completed"}
        """;

    private static readonly TimeZoneInfo Paris = TimeZoneInfo.CreateCustomTimeZone("test+01", TimeSpan.FromHours(1), "test+01", "test+01");

    [Fact]
    public void Writes_the_old_scripts_fields_in_its_order_then_Coffres()
    {
        var sidecar = new ArchiveSidecar
        {
            BackupFile = "backup_complet_shop_20260129_093829.tar.gz",
            Timestamp = "20260129_093829",
            Datetime = "2026-01-29T09:38:29.120000",
            Database = "shop",
            Type = "COMPLETE",
            SizeMb = ArchiveSidecar.SizeInMb(26_403_553),
            Hash = new string('a', 64),
            Includes = ["database", "media"],
            Status = "completed",
            Snapshot = new string('b', 64),
            Application = "boutique é",
        };
        var json = Encoding.UTF8.GetString(sidecar.ToJson());
        using var doc = JsonDocument.Parse(json);
        Assert.Equal(["backup_file", "timestamp", "datetime", "database", "type", "size_mb", "hash", "includes", "status", "snapshot", "application"],
            doc.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Contains("\"size_mb\": 25.18", json, StringComparison.Ordinal);
        Assert.Contains("\"application\": \"boutique é\"", json, StringComparison.Ordinal); // readable, not \u00e9
        Assert.Equal(JsonValueKind.Array, doc.RootElement.GetProperty("includes").ValueKind);

        // Without Coffre's additions: exactly the old script's nine fields.
        using var plain = JsonDocument.Parse((sidecar with { Snapshot = null, Application = null }).ToJson());
        Assert.Equal(9, plain.RootElement.EnumerateObject().Count());
    }

    [Fact]
    public void Reads_the_old_scripts_sidecar()
    {
        var s = ArchiveSidecar.Parse(Encoding.UTF8.GetBytes(ScriptSidecar), "x.json");
        Assert.Equal("backup_complet_institut_torii_db_20260129_093829.tar.gz", s.BackupFile);
        Assert.Equal("institut_torii_db", s.Database);
        Assert.Equal(25.18, s.SizeMb);
        Assert.Equal(["database", "media", "documents"], s.Includes!);
        Assert.True(s.HashMatches("d1516b2f7540db91aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
        Assert.False(s.HashMatches(new string('0', 64)));
        Assert.Null(s.Snapshot);
        var error = Assert.Throws<CoffreException>(() => ArchiveSidecar.Parse("{not json"u8, "x.json"));
        Assert.Contains("x.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Size_is_mebibytes_rounded_to_two_decimals()
    {
        Assert.Equal(25.18, ArchiveSidecar.SizeInMb(26_403_553));
        Assert.Equal(0.0, ArchiveSidecar.SizeInMb(1000));
        Assert.Equal(1.0, ArchiveSidecar.SizeInMb(1 << 20));
    }

    [Fact]
    public void Time_is_the_timestamp_unless_datetime_is_the_same_second()
    {
        // The script's: timestamp at the start (the file's name), datetime 4 s later at the end: the timestamp wins.
        var script = ArchiveSidecar.Parse(Encoding.UTF8.GetBytes(ScriptSidecar), "x.json");
        Assert.Equal(new DateTimeOffset(2026, 1, 29, 9, 38, 29, TimeSpan.FromHours(1)), script.Time(Paris));
        // Coffre's: the same instant, datetime has the microseconds.
        var coffre = script with { Timestamp = "20260129_093833" };
        Assert.Equal(new DateTimeOffset(2026, 1, 29, 9, 38, 33, TimeSpan.FromHours(1)).AddTicks(4_204_230), coffre.Time(Paris));
        Assert.Equal(new DateTimeOffset(2026, 1, 29, 9, 38, 33, TimeSpan.FromHours(1)).AddTicks(4_204_230), (script with { Timestamp = null }).Time(Paris));
        Assert.Equal(new DateTimeOffset(2026, 1, 29, 9, 38, 29, TimeSpan.FromHours(1)), (script with { Datetime = "garbage" }).Time(Paris));
        Assert.Null((script with { Datetime = null, Timestamp = null }).Time(Paris));
        // An offset written by an aware datetime is honoured.
        Assert.Equal(new DateTimeOffset(2026, 1, 29, 8, 38, 33, TimeSpan.Zero), (script with { Timestamp = null, Datetime = "2026-01-29T08:38:33+00:00" }).Time(Paris));
    }

    [Fact]
    public void Times_are_written_as_the_script_wrote_them()
    {
        var t = new DateTimeOffset(2026, 1, 29, 8, 38, 33, TimeSpan.Zero).AddTicks(4_204_237);
        Assert.Equal("20260129_093833", ArchiveTime.Stamp(t, Paris));
        Assert.Equal("2026-01-29T09:38:33.420423", ArchiveTime.Iso(t, Paris));
        Assert.Equal("2026-01-29T09:38:33.000000", ArchiveTime.Iso(t.AddTicks(-4_204_237), Paris));
        Assert.True(ArchiveTime.TryParseFileName("backup_complet_institut_torii_db_20260129_093829.tar.gz", Paris, out var fromName));
        Assert.Equal(new DateTimeOffset(2026, 1, 29, 9, 38, 29, TimeSpan.FromHours(1)), fromName);
        Assert.False(ArchiveTime.TryParseFileName("backup.tar.gz", Paris, out _));
        Assert.False(ArchiveTime.TryParseStamp("20261329_093829", Paris, out _));
    }

    [Fact]
    public async Task Verify_compares_the_archive_with_its_recorded_hash()
    {
        var folder = Directory.CreateTempSubdirectory("coffre-sidecar-");
        try
        {
            var archive = Path.Combine(folder.FullName, "a.tar.gz");
            await File.WriteAllBytesAsync(archive, [1, 2, 3]);
            Assert.Null(await ArchiveSidecar.VerifyAsync(archive, default));

            var hash = await ArchiveSidecar.ComputeHashAsync(archive, default);
            Assert.Equal("039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81", hash);
            await new ArchiveSidecar { Hash = hash.ToUpperInvariant() }.WriteAsync(archive, overwrite: false, default);
            Assert.NotNull(await ArchiveSidecar.VerifyAsync(archive, default));

            await File.WriteAllBytesAsync(archive, [1, 2, 4]);
            var e = await Assert.ThrowsAsync<CoffreException>(() => ArchiveSidecar.VerifyAsync(archive, default));
            Assert.Contains("damaged", e.Message, StringComparison.Ordinal);
            Assert.Equal(ExitCodes.Fatal, e.ExitCode);

            await Assert.ThrowsAsync<CoffreException>(() => new ArchiveSidecar { Hash = "x" }.WriteAsync(archive, overwrite: false, default));
            await new ArchiveSidecar().WriteAsync(archive, overwrite: true, default);
            Assert.Contains("records no hash", (await Assert.ThrowsAsync<CoffreException>(() => ArchiveSidecar.VerifyAsync(archive, default))).Message, StringComparison.Ordinal);
            Assert.Empty(folder.GetFiles("*.tmp-*"));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
