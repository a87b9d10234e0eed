using System.Text.Json;
using Coffre.Health;
using Coffre.IntegrationTests.Infrastructure;
using Coffre.IntegrationTests.Server;

namespace Coffre.IntegrationTests.Health;

/// <summary><c>coffre doctor</c> asks the service's <c>/health</c> when the application has a dashboard: the real <c>coffre serve</c> down, then up.</summary>
public class DoctorServiceTests
{
    private static (int Code, List<JsonElement> Findings) Doctor(CoffreRunner coffre)
    {
        var r = coffre.Run("doctor", "--json");
        Errors.AssertNoCrash(r);
        using var doc = JsonDocument.Parse(r.StdOut);
        return (r.ExitCode, [.. doc.RootElement.GetProperty("findings").EnumerateArray().Select(f => f.Clone())]);
    }

    [Fact]
    public async Task The_service_not_answering_needs_attention_and_names_the_address_then_is_quiet_once_it_runs()
    {
        using var dir = new TestDirectory("doctor-service");
        await using (var setup = await ServedApp.StartAsync(dir)) { } // the app and its coffre.json with a dashboard account
        var port = ServeProcess.FreePort();
        var coffre = new CoffreRunner(null) { WorkingDirectory = Path.Combine(dir.Path, "app") };
        coffre.Environment["COFFRE_METRICS_TOKEN"] = ServedApp.MetricsToken;
        coffre.Environment["COFFRE_Server__Listen"] = $"127.0.0.1:{port}";

        var (downCode, down) = Doctor(coffre);
        var finding = Assert.Single(down, f => f.GetProperty("code").GetString() == "service-down");
        Assert.Equal("attention", finding.GetProperty("severity").GetString());
        Assert.Contains($"does not answer on http://127.0.0.1:{port}/health: nothing listens there", finding.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains("coffre serve", finding.GetProperty("fix").GetString(), StringComparison.Ordinal);
        Assert.True(downCode >= 1);

        using var server = coffre.Start("serve");
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        await ServeProcess.WaitForHealthAsync(client, server);
        var (upCode, up) = Doctor(coffre);
        Assert.DoesNotContain(up, f => f.GetProperty("code").GetString() == "service-down");
        Assert.Equal(down.Count - 1, up.Count);
        Assert.Equal(up.Count == 0 ? 0 : up.Any(f => f.GetProperty("severity").GetString() == "failing") ? 2 : 1, upCode);
    }

    [Theory]
    [InlineData("127.0.0.1:8080", "http://127.0.0.1:8080/health")]
    [InlineData("0.0.0.0:9090", "http://127.0.0.1:9090/health")]
    [InlineData("[::]:8080", "http://[::1]:8080/health")]
    [InlineData("[::1]:8081", "http://[::1]:8081/health")]
    [InlineData("localhost:80", "http://localhost/health")]
    public void The_health_address_of_a_listen_address(string listen, string url) => Assert.Equal(url, ServiceProbe.HealthUrl(listen)!.ToString());

    [Theory]
    [InlineData("8080")]
    [InlineData("127.0.0.1:")]
    [InlineData("127.0.0.1:99999")]
    public void A_listen_address_without_a_port_gives_no_address(string listen) => Assert.Null(ServiceProbe.HealthUrl(listen));
}
