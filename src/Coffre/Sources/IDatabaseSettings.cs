namespace Coffre.Sources;

/// <summary>
/// One configured database (coffre.json's <c>databases[i]</c>) as an engine sees it: the keys an
/// <see cref="IDatabaseEngine"/> completes, checks and builds its source from. The configuration's
/// <c>DatabaseSection</c> is one; Sources never depends on the configuration's types.
/// </summary>
public interface IDatabaseSettings
{
    string? Name { get; set; }
    string? Engine { get; set; }
    string? Host { get; set; }
    int? Port { get; set; }
    string? Database { get; set; }
    string? User { get; set; }
    string? Path { get; set; }
    string? BinDirectory { get; set; }
    bool? AllowPrivilegedRestore { get; set; }
    string? PasswordEnv { get; set; }
    string? PasswordFile { get; set; }
    string? PasswordCommand { get; set; }
}
