using System.Text.Json.Nodes;
using Coffre.Configuration;
using Coffre.Tests.Configuration;

namespace Coffre.Tests.Maintenance.Copy;

/// <summary>coffre.json's <c>copies</c>: locations resolved like the repository's, password sources and retention checked.</summary>
public sealed class CopiesConfigTests : IDisposable
{
    private readonly ConfigFixture _f = new();

    public void Dispose() => _f.Dispose();

    private static Action<JsonObject> WithCopies(string json) => c => c["copies"] = JsonNode.Parse(json);

    [Fact]
    public void Copies_are_loaded_with_relative_locations_resolved_and_other_schemes_kept()
    {
        var node = JsonNode.Parse(ConfigFixture.ValidJson)!.AsObject();
        node["copies"] = JsonNode.Parse("""
            [ { "location": "../usb", "passwordEnv": "USB_PW", "retention": { "last": 3 } },
              { "location": "s3:https://ceph:7480/bucket", "passwordCommand": "pass show copy" } ]
            """);
        var c = _f.Load(node.ToJsonString());
        Assert.Equal(2, c.Copies.Count);
        Assert.Equal(Path.GetFullPath(Path.Combine(_f.Dir, "../usb")), c.Copies[0].Location);
        Assert.Equal(3, c.Copies[0].Retention!.Last);
        Assert.Null(c.Copies[1].Retention);
        Assert.Equal("s3:https://ceph:7480/bucket", c.Copies[1].Location);
        Assert.Empty(ConfigValidator.Validate(c));
    }

    [Fact]
    public void A_copy_needs_a_location() =>
        Assert.Contains(_f.Errors(WithCopies("""[ { "passwordEnv": "X" } ]""")), e => e.Key == "copies[0].location");

    [Fact]
    public void A_copy_needs_exactly_one_password_source()
    {
        Assert.Contains(_f.Errors(WithCopies("""[ { "location": "usb" } ]""")), e => e.Key == "copies[0].passwordEnv");
        Assert.Contains(_f.Errors(WithCopies("""[ { "location": "usb", "passwordEnv": "X", "passwordCommand": "y" } ]""")), e => e.Key == "copies[0].passwordCommand");
    }

    [Fact]
    public void A_literal_copy_password_is_refused() =>
        Assert.Contains(_f.Errors(WithCopies("""[ { "location": "usb", "password": "hunter2" } ]""")), e => e.Key == "copies[0].password");

    [Fact]
    public void A_copy_retention_that_keeps_nothing_is_refused() =>
        Assert.Contains(_f.Errors(WithCopies("""[ { "location": "usb", "passwordEnv": "X", "retention": { "keepWithinDays": 0 } } ]""")), e => e.Key == "copies[0].retention");

    [Fact]
    public void The_copy_password_comes_from_its_source()
    {
        var copy = new CopySection { Location = "usb", PasswordEnv = "USB_PW" };
        Assert.Equal("s3cret"u8.ToArray(), PasswordSource.Resolve(copy, new Dictionary<string, string?> { ["USB_PW"] = "s3cret" }));
        var e = Assert.Throws<CoffreException>(() => PasswordSource.Resolve(copy, new Dictionary<string, string?>()));
        Assert.Contains("copy usb", e.Message, StringComparison.Ordinal);
    }
}
