using Coffre.Configuration;
using Coffre.Archives;

namespace Coffre.Tests.Jobs.Archives;

/// <summary>Where archive entries land in an imported snapshot (docs/application-backups.md, "Archives").</summary>
public class ArchiveEntryMapperTests
{
    private static CoffreConfig Config(params string[] media) => new()
    {
        Application = "torii",
        Databases =
        [
            new DatabaseSection { Name = "main", Engine = "postgresql", Database = "institut_torii_db" },
            new DatabaseSection { Name = "cache", Engine = "sqlite", Path = "/x/cache.sqlite3" },
        ],
        Media = [.. media.Select(m => new MediaSection { Name = m, Path = "/srv/" + m })],
    };

    [Fact]
    public void Old_archives_map_database_files_and_the_media_root()
    {
        var mapper = new ArchiveEntryMapper(Config("uploads"), fromCoffre: false, "a.tar.gz");
        Assert.Equal(new EntryTarget(EntryRole.LegacyDatabase, "", "main", "sql"), mapper.Map("database_institut_torii_db.sql", isFile: true));
        Assert.Equal(new EntryTarget(EntryRole.LegacyDatabase, "", "cache", "dump"), mapper.Map("./database_cache.dump", isFile: true));
        Assert.Equal(new EntryTarget(EntryRole.LegacyDatabase, "", "other_db", "sql"), mapper.Map("database_other_db.sql", isFile: true));
        Assert.Equal("media/uploads", mapper.Map("media/", isFile: false).TreePath);
        Assert.Equal("media/uploads/payment_receipts/r.pdf", mapper.Map("./media//payment_receipts/r.pdf", isFile: true).TreePath);
        Assert.Equal("documents/a.txt", mapper.Map("documents/a.txt", isFile: true).TreePath);
        Assert.Equal(EntryRole.Skip, mapper.Map("metadata.json", isFile: true).Role);
        Assert.Equal(EntryRole.Skip, mapper.Map("./", isFile: false).Role);
        Assert.Single(mapper.Warnings); // the skipped metadata.json
    }

    [Fact]
    public void With_several_media_folders_the_first_level_keeps_its_name()
    {
        var mapper = new ArchiveEntryMapper(Config("payment_receipts", "profiles"), fromCoffre: false, "a.tar.gz");
        Assert.Equal("media/profiles/p.jpg", mapper.Map("media/profiles/p.jpg", isFile: true).TreePath);
        Assert.Empty(mapper.Warnings);
        Assert.Equal("media/other/x.jpg", mapper.Map("media/other/x.jpg", isFile: true).TreePath);
        Assert.Equal("media/other/y.jpg", mapper.Map("media/other/y.jpg", isFile: true).TreePath);
        Assert.Contains("media/other is not one of the configured media folders", Assert.Single(mapper.Warnings), StringComparison.Ordinal);
    }

    [Fact]
    public void Coffre_archives_come_back_with_their_own_layout()
    {
        var mapper = new ArchiveEntryMapper(Config("uploads"), fromCoffre: true, "a.tar.gz");
        Assert.Equal(new EntryTarget(EntryRole.Plain, "database/main.pgdump"), mapper.Map("database_main.pgdump", isFile: true));
        Assert.Equal("database/main.roles.sql", mapper.Map("database_main.roles.sql", isFile: true).TreePath);
        Assert.Equal("media/uploads/a.jpg", mapper.Map("media/uploads/a.jpg", isFile: true).TreePath);
        Assert.Equal("media", mapper.Map("media/", isFile: false).TreePath);
        Assert.Equal("database_x", mapper.Map("database_x", isFile: false).TreePath); // a folder is not a dump
        // What the exporter names a dump, the importer puts back.
        Assert.Equal("database/main.sqlite", mapper.Map(ArchiveLayout.ArchiveName("database/main.sqlite", isFile: true), isFile: true).TreePath);
    }

    [Theory]
    [InlineData("../evil")]
    [InlineData("media/../../evil")]
    [InlineData("/etc/passwd")]
    [InlineData("media/a/..")]
    public void Names_that_leave_the_archive_are_refused(string name)
    {
        var mapper = new ArchiveEntryMapper(Config("uploads"), fromCoffre: false, "a.tar.gz");
        var e = Assert.Throws<CoffreException>(() => mapper.Map(name, isFile: true));
        Assert.Contains("refused", e.Message, StringComparison.Ordinal);
    }
}
