using System.Text.Json.Nodes;
using Coffre.Configuration;

namespace Coffre.Tests.Configuration;

/// <summary>One test per check: each changes the valid configuration in one place and expects that key to be named.</summary>
public sealed class ConfigValidatorTests : IDisposable
{
    private readonly ConfigFixture _f = new();

    public void Dispose() => _f.Dispose();

    private static JsonObject Db(JsonObject c, int i) => c["databases"]![i]!.AsObject();

    private static JsonObject Media(JsonObject c, int i) => c["media"]![i]!.AsObject();

    private static JsonObject Repo(JsonObject c) => c["repository"]!.AsObject();

    /// <summary>The change yields exactly one error, on <paramref name="key"/>; returns its message.</summary>
    private string Single(string key, Action<JsonObject> change)
    {
        var errors = _f.Errors(change);
        var e = Assert.Single(errors);
        Assert.Equal(key, e.Key);
        return e.Message;
    }

    /// <summary>The change yields an error on <paramref name="key"/> (and maybe others that follow from it).</summary>
    private void Has(string key, Action<JsonObject> change) => Assert.Contains(_f.Errors(change), e => e.Key == key);

    [Fact]
    public void TheBaseConfigurationIsValid() => Assert.Empty(_f.Errors(_ => { }));

    [Fact]
    public void ApplicationIsRequired() => Single("application", c => c.Remove("application"));

    [Fact]
    public void ApplicationCannotHoldSpaces() => Single("application", c => c["application"] = "my shop");

    [Fact]
    public void RepositoryPathIsRequired() => Single("repository.path", c => Repo(c)["path"] = "");

    [Fact]
    public void RepositoryNeedsAPasswordSource()
    {
        var m = Single("repository.passwordEnv", c => Repo(c).Remove("passwordEnv"));
        Assert.Contains("passwordFile", m, StringComparison.Ordinal);
    }

    [Fact]
    public void RepositoryTakesOnlyOnePasswordSource()
    {
        var m = Single("repository.passwordCommand", c => Repo(c)["passwordCommand"] = "pass show coffre");
        Assert.Contains("only one", m, StringComparison.Ordinal);
    }

    [Fact]
    public void ALiteralRepositoryPasswordIsAnError()
    {
        var m = Single("repository.password", c => Repo(c)["password"] = "hunter2");
        Assert.Equal("do not put passwords in coffre.json: use passwordEnv, passwordFile or passwordCommand", m);
        Assert.DoesNotContain("hunter2", m, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("password")]
    [InlineData("Password")]
    [InlineData("pasword")]
    [InlineData("passwd")]
    [InlineData("dbPassword")]
    public void ALiteralDatabasePasswordIsAnError(string key)
    {
        var m = Single($"databases[0].{key}", c => Db(c, 0)[key] = "hunter2");
        Assert.StartsWith("do not put passwords in coffre.json", m, StringComparison.Ordinal);
    }

    [Fact]
    public void ALiteralPasswordFromTheEnvironmentIsAnError()
    {
        var errors = _f.Errors(_ => { }, new Dictionary<string, string?> { ["COFFRE_Repository__Password"] = "hunter2" });
        var e = Assert.Single(errors);
        Assert.Equal("repository.Password", e.Key); // as spelt
        Assert.Contains("COFFRE_Repository__Password", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PasswordEnvMustBeAVariableName()
    {
        var m = Single("repository.passwordEnv", c => Repo(c)["passwordEnv"] = "correct horse battery");
        Assert.Contains("never the password itself", m, StringComparison.Ordinal);
    }

    [Fact]
    public void PasswordFileMustExist()
    {
        var m = Single("databases[1].passwordFile", c => Db(c, 1)["passwordFile"] = "secrets/none.pw");
        Assert.Contains(_f.PathOf("secrets/none.pw"), m, StringComparison.Ordinal);
    }

    [Fact]
    public void PasswordFileMustBePrivate()
    {
        File.SetUnixFileMode(_f.PathOf("secrets/mysql.pw"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var m = Single("databases[1].passwordFile", _ => { });
        Assert.Contains(_f.PathOf("secrets/mysql.pw"), m, StringComparison.Ordinal);
        Assert.Contains("chmod 600", m, StringComparison.Ordinal);
    }

    [Fact]
    public void RepositoryPasswordFileIsCheckedToo()
    {
        _f.WritePrivate("repo.pw", "x", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        var m = Single("repository.passwordFile", c => { Repo(c).Remove("passwordEnv"); Repo(c)["passwordFile"] = "repo.pw"; });
        Assert.Contains("chmod 600", m, StringComparison.Ordinal);
    }

    [Fact]
    public void DatabaseTakesAtMostOnePasswordSource() =>
        Single("databases[0].passwordCommand", c => Db(c, 0)["passwordCommand"] = "pass show pg");

    [Fact]
    public void DatabasePasswordIsOptional() => Assert.Empty(_f.Errors(c => Db(c, 0).Remove("passwordEnv")));

    [Fact]
    public void UnknownEngine()
    {
        var m = Single("databases[1].engine", c => Db(c, 1)["engine"] = "postgres");
        Assert.Equal("unknown engine \"postgres\" (use postgresql, mysql or sqlite)", m);
    }

    [Fact]
    public void EngineIsRequired() => Single("databases[0].engine", c => Db(c, 0).Remove("engine"));

    [Theory]
    [InlineData(0, "database")]
    [InlineData(0, "user")]
    [InlineData(1, "database")]
    [InlineData(1, "user")]
    public void ServerDatabasesNeedDatabaseAndUser(int index, string key) =>
        Single($"databases[{index}].{key}", c => Db(c, index).Remove(key));

    [Fact]
    public void PortMustBeAPortNumber() => Single("databases[0].port", c => Db(c, 0)["port"] = 70000);

    [Fact]
    public void PortMustBeANumber()
    {
        var m = Single("databases[0].port", c => Db(c, 0)["port"] = "five");
        Assert.Contains("not a whole number", m, StringComparison.Ordinal);
    }

    [Fact]
    public void ServerDatabasesHaveNoPath() => Single("databases[0].path", c => Db(c, 0)["path"] = "x.db");

    [Fact]
    public void SqliteNeedsAPath() => Single("databases[2].path", c => Db(c, 2).Remove("path"));

    [Fact]
    public void SqliteFileMustExist()
    {
        var m = Single("databases[2].path", c => Db(c, 2)["path"] = "data/none.sqlite3");
        Assert.Contains(_f.PathOf("data/none.sqlite3"), m, StringComparison.Ordinal);
    }

    [Fact]
    public void BinDirectoryMustExist()
    {
        var m = Single("databases[0].binDirectory", c => Db(c, 0)["binDirectory"] = "no/such/bin");
        Assert.Contains(_f.PathOf("no/such/bin"), m, StringComparison.Ordinal);
    }

    [Fact]
    public void AnExistingBinDirectoryIsFine() => Assert.Empty(_f.Errors(c => Db(c, 1)["binDirectory"] = "data"));

    [Fact]
    public void SqliteTakesNoBinDirectory() => Single("databases[2].binDirectory", c => Db(c, 2)["binDirectory"] = "data");

    [Fact]
    public void SqliteTakesNoServerSettings() => Single("databases[2].host", c => Db(c, 2)["host"] = "localhost");

    [Fact]
    public void DatabaseNamesAreUnique()
    {
        var m = Single("databases[1].name", c => Db(c, 1)["name"] = "Main");
        Assert.Contains("databases[0]", m, StringComparison.Ordinal);
    }

    [Fact]
    public void DatabaseNamesAreFileNames() => Single("databases[0].name", c => Db(c, 0)["name"] = "../main");

    [Fact]
    public void MediaPathIsRequired() => Single("media[0].path", c => Media(c, 0).Remove("path"));

    [Fact]
    public void MediaPathMustExist()
    {
        var m = Single("media[0].path", c => Media(c, 0)["path"] = "uploads");
        Assert.Contains(_f.PathOf("uploads"), m, StringComparison.Ordinal);
    }

    [Fact]
    public void MediaPathMustBeAFolder() => Single("media[0].path", c => Media(c, 0)["path"] = "data/app.sqlite3");

    [Fact]
    public void MediaNamesAreUnique()
    {
        Directory.CreateDirectory(_f.PathOf("other/media"));
        Single("media[1].name", c => c["media"]!.AsArray().Add(new JsonObject { ["path"] = "other/media" }));
    }

    [Fact]
    public void ExcludesMustBeAList()
    {
        var m = Single("media[0].exclude", c => Media(c, 0)["exclude"] = "cache/**");
        Assert.Contains("list", m, StringComparison.Ordinal);
    }

    [Fact]
    public void NothingToBackUp() => Single("databases", c => { c.Remove("databases"); c.Remove("media"); });

    [Fact]
    public void RetentionCountsAreNotNegative() =>
        Single("retention.weekly", c => c["retention"] = new JsonObject { ["weekly"] = -1 });

    [Fact]
    public void RetentionMustKeepSomething() =>
        Single("retention", c => c["retention"] = new JsonObject { ["keepWithinDays"] = 0 });

    [Fact]
    public void RetentionRulesAddToTheDefault() =>
        Assert.Empty(_f.Errors(c => c["retention"] = new JsonObject { ["keepWithinDays"] = 0, ["daily"] = 7 }));

    [Fact]
    public void HooksAreNotEmpty() => Single("hooks.preRestore", c => c["hooks"] = new JsonObject { ["preRestore"] = " " });

    [Theory]
    [InlineData("hourly")]
    [InlineData("daily 02:30")]
    [InlineData("daily 2:30")]
    [InlineData("weekly sun 03:00")]
    [InlineData("30 2 * * *")]
    [InlineData("*/15 1-5 * * mon-fri")]
    [InlineData("monthly 31 04:00")]
    public void SchedulesThatAreUnderstood(string schedule) =>
        Assert.Empty(_f.Errors(c => c["schedule"] = new JsonObject { ["backup"] = schedule }));

    [Theory]
    [InlineData("daily")]
    [InlineData("daily 25:00")]
    [InlineData("weekly someday 03:00")]
    [InlineData("every night")]
    [InlineData("30 2 * *")]
    [InlineData("61 2 * * *")]
    [InlineData("monthly 32 04:00")]
    [InlineData("0 0 31 2 *")]
    public void SchedulesThatAreNot(string schedule) =>
        Single("schedule.backup", c => c["schedule"] = new JsonObject { ["backup"] = schedule });

    [Theory]
    [InlineData("prune")]
    [InlineData("check")]
    public void PruneAndCheckSchedulesAreCheckedToo(string job)
    {
        Assert.Empty(_f.Errors(c => c["schedule"] = new JsonObject { [job] = "weekly sun 06:00" }));
        Assert.Contains("61", Single("schedule." + job, c => c["schedule"] = new JsonObject { [job] = "61 2 * * *" }), StringComparison.Ordinal);
    }

    [Fact]
    public void LoggingLevelIsKnown() => Single("logging.level", c => c["logging"] = new JsonObject { ["level"] = "verbose" });

    [Fact]
    public void WebhookIsAnHttpUrl() =>
        Single("alerts.webhook.url", c => c["alerts"] = new JsonObject { ["webhook"] = new JsonObject { ["url"] = "ftp://x" } });

    [Fact]
    public void WebhookIsAnObject() =>
        Single("alerts.webhook", c => c["alerts"] = new JsonObject { ["webhook"] = "https://x" });

    [Fact]
    public void EmailNeedsAServer() =>
        Single("alerts.email.host", c => c["alerts"] = JsonNode.Parse("""{ "email": { "from": "a@b.c", "to": [ "d@e.f" ] } }"""));

    [Fact]
    public void EmailNeedsRecipients() =>
        Single("alerts.email.to", c => c["alerts"] = JsonNode.Parse("""{ "email": { "host": "smtp", "from": "a@b.c" } }"""));

    [Fact]
    public void AFullAlertsSectionIsValid() => Assert.Empty(_f.Errors(c => c["alerts"] = JsonNode.Parse("""
        { "webhook": { "url": "https://hooks.example.com/x", "format": "teams", "headers": [ { "name": "Authorization", "valueEnv": "HOOK_TOKEN" }, { "name": "X-Source", "value": "coffre" } ] },
          "email": { "host": "smtp", "port": 587, "from": "a@b.c", "to": [ "d@e.f" ], "user": "coffre", "passwordEnv": "SMTP_PASSWORD", "startTls": true },
          "diskFreeThresholdPercent": 10, "diskFreeThresholdBytes": 5000000000, "retryDelaysSeconds": [ 1, 5, 30 ] }
        """)));

    [Fact]
    public void WebhookFormatIsKnown() =>
        Single("alerts.webhook.format", c => c["alerts"] = JsonNode.Parse("""{ "webhook": { "url": "https://x", "format": "discord" } }"""));

    [Fact]
    public void WebhookFormatWithoutUrl() =>
        Single("alerts.webhook.url", c => c["alerts"] = JsonNode.Parse("""{ "webhook": { "format": "slack" } }"""));

    [Fact]
    public void WebhookHeaderNeedsOneValueSource() =>
        Single("alerts.webhook.headers[0].valueEnv", c => c["alerts"] = JsonNode.Parse("""{ "webhook": { "url": "https://x", "headers": [ { "name": "Authorization" } ] } }"""));

    [Fact]
    public void WebhookHeaderValueEnvIsAVariableName() =>
        Single("alerts.webhook.headers[0].valueEnv", c => c["alerts"] = JsonNode.Parse("""{ "webhook": { "url": "https://x", "headers": [ { "name": "Authorization", "valueEnv": "Bearer abc" } ] } }"""));

    [Fact]
    public void EmailLoginNeedsAPasswordSource() =>
        Single("alerts.email.passwordEnv", c => c["alerts"] = JsonNode.Parse("""{ "email": { "host": "smtp", "from": "a@b.c", "to": [ "d@e.f" ], "user": "coffre" } }"""));

    [Fact]
    public void EmailPasswordIsNeverLiteral() =>
        Assert.Contains(_f.Errors(c => c["alerts"] = JsonNode.Parse("""{ "email": { "host": "smtp", "from": "a@b.c", "to": [ "d@e.f" ], "user": "coffre", "password": "hunter2" } }""")),
            e => e.Key == "alerts.email.password" && e.Message.Contains("do not put passwords", StringComparison.Ordinal));

    [Fact]
    public void EmailLoginNeedsTls() =>
        Single("alerts.email.startTls", c => c["alerts"] = JsonNode.Parse("""{ "email": { "host": "smtp", "from": "a@b.c", "to": [ "d@e.f" ], "user": "coffre", "passwordEnv": "P", "startTls": false } }"""));

    [Fact]
    public void EmailPasswordWithoutUser() =>
        Single("alerts.email.user", c => c["alerts"] = JsonNode.Parse("""{ "email": { "host": "smtp", "from": "a@b.c", "to": [ "d@e.f" ], "passwordEnv": "P" } }"""));

    [Fact]
    public void DiskThresholdPercentIsAPercentage() =>
        Single("alerts.diskFreeThresholdPercent", c => c["alerts"] = JsonNode.Parse("""{ "diskFreeThresholdPercent": 100 }"""));

    [Fact]
    public void DiskThresholdBytesIsANumber() =>
        Single("alerts.diskFreeThresholdBytes", c => c["alerts"] = JsonNode.Parse("""{ "diskFreeThresholdBytes": "lots" }"""));

    [Fact]
    public void RetryDelaysAreBounded() =>
        Single("alerts.retryDelaysSeconds[1]", c => c["alerts"] = JsonNode.Parse("""{ "retryDelaysSeconds": [ 1, -5 ] }"""));

    [Fact]
    public void UnknownTopLevelKey()
    {
        var m = Single("retension", c => c["retension"] = new JsonObject { ["daily"] = 7 });
        Assert.Contains("did you mean \"retention\"", m, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownKeyInADatabase()
    {
        var m = Single("databases[0].hots", c => Db(c, 0)["hots"] = "db");
        Assert.Contains("unknown key \"hots\"", m, StringComparison.Ordinal);
        Assert.Contains("did you mean \"host\"", m, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownKeyListsTheKnownOnes()
    {
        var m = Single("media[0].options", c => Media(c, 0)["options"] = new JsonObject { ["x"] = 1 });
        Assert.Contains("known keys: path, name, exclude", m, StringComparison.Ordinal);
    }

    [Fact]
    public void ASectionMustBeAnObject() => Has("repository", c => c["repository"] = "./backups");

    [Fact]
    public void AListMustBeAList() => Single("databases", c => c["databases"] = JsonNode.Parse("""{ "main": { "engine": "sqlite" } }"""));

    [Fact]
    public void AValueMustNotBeAnObject() => Has("application", c => c["application"] = new JsonObject { ["name"] = "x" });

    [Fact]
    public void EveryErrorIsReportedAtOnce()
    {
        var errors = _f.Errors(c =>
        {
            c.Remove("application");
            Db(c, 1)["engine"] = "postgres";
            Media(c, 0)["path"] = "nowhere";
            c["retension"] = 1;
        });
        Assert.Equal(["application", "databases[1].engine", "media[0].path", "retension"], errors.Select(e => e.Key).Order(StringComparer.Ordinal));
    }
}
