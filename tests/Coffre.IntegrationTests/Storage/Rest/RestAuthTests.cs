using Coffre.IntegrationTests.Infrastructure;
using Coffre.Storage.Rest;

namespace Coffre.IntegrationTests.Storage.Rest;

/// <summary>Basic authentication against <c>rclone serve restic --user --pass</c>: the right credentials from the location or from restic's variables, and wrong ones refused with a message that never shows a password.</summary>
public sealed class RestAuthTests : IDisposable
{
    private const string User = "backup-user";
    private const string Secret = "s3cr3t p@ss:wörd/1";
    private const string WrongSecret = "not-the-password-42";

    private readonly TestDirectory _dir = new("rest-auth");
    private readonly RcloneRestServer _server = new(user: User, password: Secret);

    public void Dispose()
    {
        _server.Dispose();
        _dir.Dispose();
    }

    private string WithCredentials(string password) => _server.Location($"{User}:{Uri.EscapeDataString(password)}");

    [Fact]
    public async Task The_right_credentials_in_the_location_work_and_are_never_shown()
    {
        var location = RestLocation.Parse(WithCredentials(Secret));
        using var backend = (RestBackend)RestBackend.Open(location, new Dictionary<string, string?>());
        Assert.DoesNotContain(Secret, backend.Location, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, location.ToString(), StringComparison.Ordinal);
        Assert.Contains($"{User}:***@", backend.Location, StringComparison.Ordinal);
        await EngineOverBackend.InitAsync(backend);
        var id = await EngineOverBackend.BackupAsync(backend, SampleFiles.Create(_dir.CreateSub("src"), seed: 31));
        var restic = new ResticRunner(WithCredentials(Secret));
        Assert.Equal(id, Assert.Single(restic.Snapshots()).GetProperty("id").GetString());
    }

    [Fact]
    public async Task The_right_credentials_from_RESTIC_REST_variables_work()
    {
        var environment = new Dictionary<string, string?> { ["RESTIC_REST_USERNAME"] = User, ["RESTIC_REST_PASSWORD"] = Secret };
        using var backend = (RestBackend)RestBackend.Open(RestLocation.Parse(_server.Location()), environment);
        Assert.DoesNotContain(Secret, backend.Location, StringComparison.Ordinal);
        await EngineOverBackend.InitAsync(backend);
        Assert.True(await backend.ExistsAsync(default));
    }

    [Fact]
    public async Task A_user_in_the_location_takes_its_password_from_RESTIC_REST_PASSWORD()
    {
        var environment = new Dictionary<string, string?> { ["RESTIC_REST_PASSWORD"] = Secret };
        using var backend = (RestBackend)RestBackend.Open(RestLocation.Parse(_server.Location(User)), environment);
        await EngineOverBackend.InitAsync(backend);
        Assert.True(await backend.ExistsAsync(default));
    }

    [Theory]
    [InlineData("location")]
    [InlineData("environment")]
    [InlineData("none")]
    public async Task Wrong_or_missing_credentials_are_refused_with_a_clear_message(string where)
    {
        var location = RestLocation.Parse(where == "location" ? WithCredentials(WrongSecret) : _server.Location());
        var environment = where == "environment"
            ? new Dictionary<string, string?> { ["RESTIC_REST_USERNAME"] = User, ["RESTIC_REST_PASSWORD"] = WrongSecret }
            : [];
        using var backend = (RestBackend)RestBackend.Open(location, environment);
        var e = await Assert.ThrowsAsync<CoffreException>(() => backend.ExistsAsync(default));
        Assert.Contains("refused the credentials (401 Unauthorized", e.Message, StringComparison.Ordinal);
        Assert.Contains("RESTIC_REST_USERNAME", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(WrongSecret, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Uri.EscapeDataString(WrongSecret), e.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<CoffreException>(() => EngineOverBackend.InitAsync(backend));
        Assert.Empty(Directory.EnumerateFileSystemEntries(_server.Root));
    }
}
