using System.Text;
using System.Text.Json.Nodes;
using Coffre.Configuration;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.Sources.PostgreSql;

namespace Coffre.IntegrationTests.Recovery;

/// <summary>
/// The configuration a backup stores (no secret in it, and it loads back as it was), the --set grammar of
/// `coffre config restore`, and the saved PostgreSQL roles read as data.
/// </summary>
public class StoredConfigurationTests
{
    private static CoffreConfig Load(TestDirectory dir, string json)
    {
        Directory.CreateDirectory(dir.Sub("app/media/uploads"));
        File.WriteAllText(dir.Sub("app/coffre.json"), json);
        return ConfigLoader.Load(dir.Sub("app/coffre.json"), new Dictionary<string, string?> { ["HOME"] = dir.Path, ["COFFRE_Databases__0__Port"] = "5433" });
    }

    [Fact]
    public void The_stored_configuration_leaves_out_secrets_and_loads_back_as_it_was()
    {
        using var dir = new TestDirectory("stored-config");
        var config = Load(dir, """
            { "application": "crm",
              "repository": { "location": "rest:https://backup:hunter2@rest.example.com:8000/crm", "passwordEnv": "COFFRE_PASSWORD" },
              "databases": [ { "name": "main", "engine": "postgresql", "database": "crm", "user": "crm", "passwordEnv": "PG_PW",
                               "admin": { "user": "postgres", "passwordFile": "pg-admin.txt" } } ],
              "media": [ { "path": "media/uploads", "exclude": [ "cache/**" ] } ],
              "copies": [ { "location": "../copy", "passwordEnv": "COPY_PW" } ],
              "alerts": { "webhook": { "url": "https://hooks.example.com/T0/SECRET-PATH", "headers": [
                  { "name": "Authorization", "value": "Bearer SECRET-TOKEN" }, { "name": "X-Source", "value": "coffre" } ] } },
              "server": { "admin": { "user": "admin", "passwordHash": "pbkdf2-sha256$600000$c2FsdA==$aGFzaA==" } } }
            """);
        var (json, leftOut) = StoredConfiguration.Serialize(config);
        var text = Encoding.UTF8.GetString(json);
        Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET-PATH", text, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET-TOKEN", text, StringComparison.Ordinal);
        Assert.Contains("rest:https://backup@rest.example.com:8000/crm", text, StringComparison.Ordinal);
        Assert.Contains("\"coffre\"", text, StringComparison.Ordinal); // a header that is no credential stays
        Assert.Equal(["repository.location (its password)", "alerts.webhook.url", "alerts.webhook.headers[0].value"], leftOut);

        // As loaded: the environment's override and absolute paths, so that it loads the same from anywhere.
        File.WriteAllBytes(dir.Sub("elsewhere.json"), json);
        var back = ConfigLoader.Load(dir.Sub("elsewhere.json"), new Dictionary<string, string?> { ["HOME"] = "/nonexistent" });
        Assert.Empty(back.LoadErrors);
        Assert.Equal(5433, back.Databases[0].Port);
        Assert.Equal("127.0.0.1", back.Databases[0].Host);
        Assert.Equal(dir.Sub("app/media/uploads"), back.Media[0].Path);
        Assert.Equal("uploads", back.Media[0].Name);
        Assert.Equal(["cache/**"], back.Media[0].Exclude);
        Assert.Equal(dir.Sub("copy"), back.Copies[0].Location);
        Assert.Equal(dir.Sub("app/pg-admin.txt"), back.Databases[0].Admin!.PasswordFile);
        Assert.Equal("pbkdf2-sha256$600000$c2FsdA==$aGFzaA==", back.Server.Admin.PasswordHash);
    }

    [Fact]
    public void Set_changes_keys_by_index_or_name_and_refuses_what_is_not_a_key()
    {
        using var dir = new TestDirectory("config-set");
        var config = Load(dir, """
            { "application": "crm", "repository": { "path": "repo", "passwordFile": "pw.txt" },
              "databases": [ { "name": "main", "engine": "postgresql", "database": "crm", "user": "crm" } ],
              "media": [ { "path": "media/uploads" } ] }
            """);
        var root = (JsonObject)JsonNode.Parse(StoredConfiguration.Serialize(config).Json)!;
        ConfigurationEditor.Set(root, "media[uploads].path=new/uploads", "/srv");
        ConfigurationEditor.Set(root, "databases[0].host=db2.internal", "/srv");
        ConfigurationEditor.Set(root, "databases[main].port=6543", "/srv");
        ConfigurationEditor.Set(root, "databases[main].admin.user=postgres", "/srv");
        ConfigurationEditor.Set(root, "repository.passwordEnv=COFFRE_PASSWORD", "/srv");
        ConfigurationEditor.SetRepository(root, "../vault", "/srv/new");
        Assert.Equal("/srv/new/uploads", root["media"]![0]!["path"]!.GetValue<string>());
        Assert.Equal("db2.internal", root["databases"]![0]!["host"]!.GetValue<string>());
        Assert.Equal(6543, root["databases"]![0]!["port"]!.GetValue<int>());
        Assert.Equal("postgres", root["databases"]![0]!["admin"]!["user"]!.GetValue<string>());
        Assert.Equal("COFFRE_PASSWORD", root["repository"]!["passwordEnv"]!.GetValue<string>());
        Assert.Null(root["repository"]!["passwordFile"]); // one password source at a time
        Assert.Equal("/srv/vault", root["repository"]!["path"]!.GetValue<string>());

        Assert.Contains("unknown key \"hots\"", Refused(root, "databases[main].hots=x"), StringComparison.Ordinal);
        Assert.Contains("not a whole number", Refused(root, "databases[main].port=five"), StringComparison.Ordinal);
        Assert.Contains("no databases item is named \"other\"", Refused(root, "databases[other].host=x"), StringComparison.Ordinal);
        Assert.Contains("there is no media[3]", Refused(root, "media[3].path=/x"), StringComparison.Ordinal);
        Assert.Contains("key=value", Refused(root, "repository.path"), StringComparison.Ordinal);
    }

    private static string Refused(JsonObject root, string assignment) =>
        Assert.Throws<CoffreException>(() => ConfigurationEditor.Set(root, assignment, "/srv")).Message;

    [Fact]
    public void Saved_roles_are_read_as_data_without_their_powers()
    {
        var roles = PostgreSqlRoles.Parse("""
            CREATE ROLE app;
            ALTER ROLE app WITH NOSUPERUSER INHERIT NOCREATEROLE CREATEDB LOGIN NOREPLICATION NOBYPASSRLS;
            CREATE ROLE "We""ird";
            ALTER ROLE "We""ird" WITH SUPERUSER NOINHERIT CREATEROLE NOCREATEDB NOLOGIN REPLICATION BYPASSRLS;
            CREATE ROLE pg_sneaky;
            CREATE ROLE x; DROP DATABASE prod;
            GRANT "We""ird" TO app GRANTED BY postgres;
            GRANT app TO "We""ird" WITH ADMIN OPTION GRANTED BY postgres;
            """u8);
        Assert.Equal(["app", "We\"ird"], roles.Roles.Select(r => r.Name));
        var app = roles.Find("app")!;
        Assert.True(app.Login && app.Inherit && app.CreateDb);
        Assert.Empty(app.PowersLeftOut);
        var weird = roles.Find("We\"ird")!;
        Assert.False(weird.Login || weird.Inherit || weird.CreateDb);
        Assert.Equal(["SUPERUSER", "CREATEROLE", "REPLICATION", "BYPASSRLS"], weird.PowersLeftOut);
        Assert.Equal([("We\"ird", "app"), ("app", "We\"ird")], roles.Memberships);
        Assert.Equal("\"We\"\"ird\"", PostgreSqlRoles.Quote("We\"ird"));
        Assert.Equal("'it''s'", PostgreSqlRoles.Literal("it's"));
    }
}
