using System.Text.Json.Nodes;
using Coffre.Configuration;

namespace Coffre.Tests.Configuration;

/// <summary>
/// A temp folder holding a coffre.json and what a valid one refers to: data/app.sqlite3, media/, and a private
/// password file. <see cref="Errors"/> writes a variant of <see cref="ValidJson"/> and validates it.
/// </summary>
internal sealed class ConfigFixture : IDisposable
{
    public const string ValidJson = """
        {
          "application": "boutique",
          "repository": { "path": "./backups", "passwordEnv": "COFFRE_PASSWORD" },
          "databases": [
            { "name": "main", "engine": "postgresql", "database": "boutique", "user": "app", "passwordEnv": "PGPASSWORD" },
            { "name": "shop", "engine": "mysql", "database": "shop", "user": "app", "passwordFile": "secrets/mysql.pw" },
            { "name": "local", "engine": "sqlite", "path": "data/app.sqlite3" }
          ],
          "media": [ { "path": "media", "exclude": [ "cache/**" ] } ]
        }
        """;

    public ConfigFixture()
    {
        Dir = Path.Combine(Path.GetTempPath(), "coffre-config-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(Dir, "data"));
        Directory.CreateDirectory(Path.Combine(Dir, "media"));
        File.WriteAllBytes(Path.Combine(Dir, "data", "app.sqlite3"), []);
        WritePrivate("secrets/mysql.pw", "s3cret\n");
    }

    public string Dir { get; }

    public string PathOf(string relative) => Path.Combine(Dir, relative);

    public string Write(string json, string name = "coffre.json")
    {
        var file = PathOf(name);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, json);
        return file;
    }

    public string WritePrivate(string relative, string content, UnixFileMode mode = UnixFileMode.UserRead | UnixFileMode.UserWrite)
    {
        var file = Write(content, relative);
        File.SetUnixFileMode(file, mode);
        return file;
    }

    public CoffreConfig Load(string json, IDictionary<string, string?>? env = null) =>
        ConfigLoader.Load(Write(json), env ?? new Dictionary<string, string?> { ["HOME"] = PathOf("home") });

    /// <summary>Validates <see cref="ValidJson"/> changed by <paramref name="change"/>.</summary>
    public IReadOnlyList<ConfigError> Errors(Action<JsonObject> change, IDictionary<string, string?>? env = null)
    {
        var node = JsonNode.Parse(ValidJson)!.AsObject();
        change(node);
        return ConfigValidator.Validate(Load(node.ToJsonString(), env));
    }

    public void Dispose()
    {
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { }
    }
}
