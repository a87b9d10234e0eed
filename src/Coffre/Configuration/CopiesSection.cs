namespace Coffre.Configuration;

/// <summary>
/// One more repository every backup is copied to (coffre.json <c>copies</c>, docs/copies.md): an external disk, a
/// mounted cloud folder, later any storage location. Its password comes from its own source, like the repository's.
/// </summary>
public sealed class CopySection : IPasswordSource
{
    /// <summary>Where the copy is: a folder (relative to coffre.json's folder, or <c>local:/path</c>). Required.</summary>
    public string? Location { get; set; }

    /// <summary>A short name for the copy (<c>usb</c>, <c>s3</c>): <c>coffre restore --from NAME</c>, the metrics' <c>copy</c> label. Default: its location.</summary>
    public string? Name { get; set; }

    /// <summary>The copy's storage credentials, each from a source (<see cref="RepositorySection.Credentials"/>).</summary>
    public Dictionary<string, CredentialSource> Credentials { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The name when one is given, else the location.</summary>
    public string Label => Name ?? ToString();

    /// <inheritdoc/>
    public string? PasswordEnv { get; set; }

    /// <inheritdoc/>
    public string? PasswordFile { get; set; }

    /// <inheritdoc/>
    public string? PasswordCommand { get; set; }

    /// <summary>Which snapshots the copy keeps after each copied backup; none: the primary's <see cref="CoffreConfig.Retention"/>.</summary>
    public RetentionSection? Retention { get; set; }

    /// <summary>The location without what a secret could be (for messages and the journal).</summary>
    public override string ToString()
    {
        if (Location is null) return "(no location)";
        try { return Storage.RepositoryLocation.Parse(Location).ToString(); }
        catch (CoffreException) { return Storage.RepositoryLocation.Redact(Location); }
    }
}
