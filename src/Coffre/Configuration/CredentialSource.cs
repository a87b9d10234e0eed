namespace Coffre.Configuration;

/// <summary>
/// Where one backend credential comes from (coffre.json <c>repository.credentials</c> / <c>copies[].credentials</c>,
/// docs/storage.md): exactly one of an environment variable, a private file (first line) or a command run without a
/// shell (first line of its output). Never the value itself: a literal is a configuration error.
/// </summary>
public sealed class CredentialSource
{
    /// <summary>The environment variable holding the value, e.g. <c>"BOUTIQUE_S3_SECRET"</c>.</summary>
    public string? Env { get; set; }

    /// <summary>A private file (mode 0600 or 0400) whose first line is the value; relative to coffre.json's folder.</summary>
    public string? File { get; set; }

    /// <summary>A program and its arguments (no shell), e.g. <c>["pass", "show", "s3/boutique"]</c>; the first line it prints is the value.</summary>
    public List<string> Command { get; set; } = [];
}
