using System.Text.Json.Nodes;
using Coffre.Configuration;

namespace Coffre.Tests.Configuration;

/// <summary>
/// coffre.json <c>repository.credentials</c> / <c>copies[].credentials</c>: each storage variable from a source (env,
/// private file, command without a shell), never literal; resolved into the environment a backend is opened with.
/// </summary>
public sealed class BackendCredentialsTests : IDisposable
{
    private const string Secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    private readonly ConfigFixture _f = new();

    public void Dispose() => _f.Dispose();

    private static Action<JsonObject> RepositoryCredentials(string json) => c => c["repository"]!["credentials"] = JsonNode.Parse(json);

    [Fact]
    public void Sources_are_loaded_with_files_resolved_against_the_configuration_folder()
    {
        _f.WritePrivate("secrets/s3.secret", Secret + "\n");
        var node = JsonNode.Parse(ConfigFixture.ValidJson)!.AsObject();
        node["repository"]!["credentials"] = JsonNode.Parse("""
            { "AWS_ACCESS_KEY_ID": { "env": "BOUTIQUE_S3_KEY" },
              "AWS_SECRET_ACCESS_KEY": { "file": "secrets/s3.secret" },
              "AWS_DEFAULT_REGION": { "command": [ "/bin/echo", "eu-west-3" ] } }
            """);
        node["copies"] = JsonNode.Parse("""[ { "name": "rest", "location": "rest:http://127.0.0.1:8000/", "passwordEnv": "X", "credentials": { "RESTIC_REST_PASSWORD": { "file": "secrets/s3.secret" } } } ]""");
        var c = _f.Load(node.ToJsonString());
        Assert.Empty(ConfigValidator.Validate(c));
        Assert.Equal(_f.PathOf("secrets/s3.secret"), c.Repository.Credentials["AWS_SECRET_ACCESS_KEY"].File);
        Assert.Equal(_f.PathOf("secrets/s3.secret"), c.Copies[0].Credentials["RESTIC_REST_PASSWORD"].File);
        Assert.Equal("rest", c.Copies[0].Label);

        var env = BackendCredentials.Apply(new Dictionary<string, string?> { ["BOUTIQUE_S3_KEY"] = "AKIDEXAMPLE", ["AWS_ACCESS_KEY_ID"] = "from the process" },
            c.Repository.Credentials, "repository");
        Assert.Equal("AKIDEXAMPLE", env["AWS_ACCESS_KEY_ID"]); // the configured source wins over the process's variable
        Assert.Equal(Secret, env["AWS_SECRET_ACCESS_KEY"]);
        Assert.Equal("eu-west-3", env["AWS_DEFAULT_REGION"]);
    }

    [Fact]
    public void A_literal_credential_is_an_error_that_says_what_to_do_and_does_not_repeat_the_value()
    {
        var errors = _f.Errors(RepositoryCredentials($$"""{ "AWS_SECRET_ACCESS_KEY": "{{Secret}}" }"""));
        var e = Assert.Single(errors);
        Assert.Equal("repository.credentials.AWS_SECRET_ACCESS_KEY", e.Key);
        Assert.Contains("do not put credentials in coffre.json", e.Message, StringComparison.Ordinal);
        Assert.Contains("{\"env\": \"VARIABLE\"}", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, e.Message, StringComparison.Ordinal);
        // Inside the source too: a value where a variable's name belongs is refused, not echoed.
        var inEnv = Assert.Single(_f.Errors(RepositoryCredentials($$"""{ "AWS_SECRET_ACCESS_KEY": { "env": "{{Secret}}" } }""")));
        Assert.Equal("repository.credentials.AWS_SECRET_ACCESS_KEY.env", inEnv.Key);
        Assert.Contains("never the secret itself", inEnv.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "AWS_SECRET_KEY": { "env": "X" } }""", "repository.credentials.AWS_SECRET_KEY", "not a storage credential")]
    [InlineData("""{ "AWS_ACCESS_KEY_ID": { "env": "" } }""", "repository.credentials.AWS_ACCESS_KEY_ID", "no source")]
    [InlineData("""{ "AWS_ACCESS_KEY_ID": { "env": "X", "file": "secrets/mysql.pw" } }""", "repository.credentials.AWS_ACCESS_KEY_ID", "set only one of env, file")]
    [InlineData("""{ "AWS_ACCESS_KEY_ID": { "command": "pass show s3" } }""", "repository.credentials.AWS_ACCESS_KEY_ID.command", "must be a list")]
    [InlineData("""{ "AWS_ACCESS_KEY_ID": { "file": "missing.key" } }""", "repository.credentials.AWS_ACCESS_KEY_ID.file", "does not exist")]
    [InlineData("""{ "AWS_ACCESS_KEY_ID": { "fiel": "x" } }""", "repository.credentials.AWS_ACCESS_KEY_ID.fiel", "unknown key \"fiel\"")]
    public void A_faulty_source_is_named(string credentials, string key, string message)
    {
        var errors = _f.Errors(RepositoryCredentials(credentials));
        Assert.Contains(errors, e => e.Key == key && e.Message.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void A_credential_file_readable_by_others_is_refused()
    {
        _f.WritePrivate("open.key", "AKID\n", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        var errors = _f.Errors(RepositoryCredentials("""{ "AWS_ACCESS_KEY_ID": { "file": "open.key" } }"""));
        Assert.Contains(errors, e => e.Key == "repository.credentials.AWS_ACCESS_KEY_ID.file" && e.Message.Contains("chmod 600", StringComparison.Ordinal));
    }

    [Fact]
    public void A_source_that_cannot_give_its_value_names_the_variable_and_the_source_never_a_value()
    {
        var missing = Assert.Throws<CoffreException>(() => BackendCredentials.Apply(new Dictionary<string, string?>(),
            new Dictionary<string, CredentialSource> { ["RESTIC_REST_PASSWORD"] = new() { Env = "REST_PW" } }, "copy nas"));
        Assert.Equal("copy nas: credentials.RESTIC_REST_PASSWORD: the variable REST_PW is not set: export REST_PW=... before running coffre", missing.Message);

        var failing = Assert.Throws<CoffreException>(() => BackendCredentials.Apply(new Dictionary<string, string?>(),
            new Dictionary<string, CredentialSource> { ["AWS_ACCESS_KEY_ID"] = new() { Command = ["/bin/sh", "-c", "echo denied >&2; exit 4"] } }, "repository"));
        Assert.Contains("repository: credentials.AWS_ACCESS_KEY_ID", failing.Message, StringComparison.Ordinal);
        Assert.Contains("exit code 4: denied", failing.Message, StringComparison.Ordinal);

        // A command runs without the process's other secrets in its environment.
        Environment.SetEnvironmentVariable("COFFRE_TEST_OTHER_SECRET", "do-not-pass");
        try
        {
            var env = BackendCredentials.Apply(new Dictionary<string, string?>(),
                new Dictionary<string, CredentialSource> { ["AWS_ACCESS_KEY_ID"] = new() { Command = ["/bin/sh", "-c", "echo \"[${COFFRE_TEST_OTHER_SECRET}]\""] } }, "repository");
            Assert.Equal("[]", env["AWS_ACCESS_KEY_ID"]);
        }
        finally { Environment.SetEnvironmentVariable("COFFRE_TEST_OTHER_SECRET", null); }
    }

    [Fact]
    public void No_credentials_leave_the_environment_as_it_is()
    {
        var env = new Dictionary<string, string?> { ["AWS_ACCESS_KEY_ID"] = "AKID" };
        Assert.Same(env, BackendCredentials.Apply(env, new Dictionary<string, CredentialSource>(), "repository"));
    }

    [Fact]
    public void Two_copies_cannot_share_a_name() =>
        Assert.Contains(_f.Errors(c => c["copies"] = JsonNode.Parse("""
            [ { "name": "usb", "location": "a", "passwordEnv": "X" }, { "name": "usb", "location": "b", "passwordEnv": "X" } ]
            """)), e => e.Key == "copies[1].name");
}
